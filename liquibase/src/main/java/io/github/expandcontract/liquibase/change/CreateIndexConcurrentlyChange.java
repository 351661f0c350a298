package io.github.expandcontract.liquibase.change;

import io.github.expandcontract.liquibase.LiquibaseJdbc;
import liquibase.ChecksumVersion;
import liquibase.Scope;
import liquibase.change.AddColumnConfig;
import liquibase.change.ChangeMetaData;
import liquibase.change.ChangeWithColumns;
import liquibase.change.DatabaseChange;
import liquibase.change.DatabaseChangeProperty;
import liquibase.change.core.CreateIndexChange;
import liquibase.change.core.DropIndexChange;
import liquibase.changelog.ChangeSet;
import liquibase.database.Database;
import liquibase.exception.RollbackImpossibleException;
import liquibase.exception.UnexpectedLiquibaseException;
import liquibase.exception.ValidationErrors;
import liquibase.logging.Logger;
import liquibase.sql.Sql;
import liquibase.sqlgenerator.SqlGeneratorFactory;
import liquibase.statement.SqlStatement;
import liquibase.statement.core.CommentStatement;
import liquibase.statement.core.RawSqlStatement;
import liquibase.structure.core.Index;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code createIndexConcurrently}: Liquibase's {@code createIndex} (same attributes and columns) as
 * {@code CREATE INDEX CONCURRENTLY} on PostgreSQL, which builds the index while the table's writers
 * go on (it only takes SHARE UPDATE EXCLUSIVE). PostgreSQL refuses it inside a transaction, so the
 * changeset must say {@code runInTransaction="false"}; validation fails otherwise.
 * <p>
 * A concurrent build that fails (a duplicate for a unique index, a cancelled statement, a crash)
 * leaves an INVALID index behind that PostgreSQL keeps updating but never uses. A re-run finds it,
 * drops it with {@code DROP INDEX CONCURRENTLY} and builds it again; a valid index of the same name
 * on the same table counts as done. Rollback is {@code DROP INDEX CONCURRENTLY IF EXISTS}. Other
 * databases get the plain {@code createIndex}, with a warning.
 */
@DatabaseChange(name = CreateIndexConcurrentlyChange.NAME,
        description = "Creates an index with CREATE INDEX CONCURRENTLY on PostgreSQL, outside a transaction; an INVALID "
                + "index left by an earlier failed run is dropped and rebuilt. Other databases fall back to createIndex.",
        priority = ChangeMetaData.PRIORITY_DEFAULT,
        appliesTo = "index")
public class CreateIndexConcurrentlyChange extends OnlineChange implements ChangeWithColumns<AddColumnConfig> {

    public static final String NAME = "createIndexConcurrently";

    private static final Pattern CREATE_INDEX = Pattern.compile("^CREATE (UNIQUE )?INDEX ", Pattern.CASE_INSENSITIVE);

    private String catalogName;
    private String schemaName;
    private String tableName;
    private String indexName;
    private Boolean unique;
    private String tablespace;
    private String associatedWith;
    private Boolean clustered;
    private String using;
    private List<AddColumnConfig> columns = new ArrayList<>();

    @DatabaseChangeProperty(description = "Name of the index to create; required, so that a re-run can find the INVALID "
            + "index a failed run left", requiredForDatabase = "all", mustEqualExisting = "index")
    public String getIndexName() {
        return indexName;
    }

    public void setIndexName(String indexName) {
        this.indexName = indexName;
    }

    @DatabaseChangeProperty(description = "Name of the database catalog", requiredForDatabase = "none")
    public String getCatalogName() {
        return catalogName;
    }

    public void setCatalogName(String catalogName) {
        this.catalogName = catalogName;
    }

    @DatabaseChangeProperty(description = "Name of the database schema", requiredForDatabase = "none", mustEqualExisting = "index.schema")
    public String getSchemaName() {
        return schemaName;
    }

    public void setSchemaName(String schemaName) {
        this.schemaName = schemaName;
    }

    @DatabaseChangeProperty(description = "Name of the table to add the index on", requiredForDatabase = "all",
            mustEqualExisting = "index.table", exampleValue = "person")
    public String getTableName() {
        return tableName;
    }

    public void setTableName(String tableName) {
        this.tableName = tableName;
    }

    @Override
    @DatabaseChangeProperty(description = "Column(s) in the table to add the index on", requiredForDatabase = "all",
            mustEqualExisting = "index.column")
    public List<AddColumnConfig> getColumns() {
        return columns;
    }

    @Override
    public void setColumns(List<AddColumnConfig> columns) {
        this.columns = columns == null ? new ArrayList<>() : columns;
    }

    @Override
    public void addColumn(AddColumnConfig column) {
        columns.add(column);
    }

    @DatabaseChangeProperty(description = "Whether the index is unique", requiredForDatabase = "none")
    public Boolean isUnique() {
        return unique;
    }

    public void setUnique(Boolean unique) {
        this.unique = unique;
    }

    @DatabaseChangeProperty(description = "Tablespace to create the index in", requiredForDatabase = "none")
    public String getTablespace() {
        return tablespace;
    }

    public void setTablespace(String tablespace) {
        this.tablespace = tablespace;
    }

    @DatabaseChangeProperty(description = "Index associations, as for createIndex: primaryKey, foreignKey, uniqueConstraint, none",
            requiredForDatabase = "none")
    public String getAssociatedWith() {
        return associatedWith;
    }

    public void setAssociatedWith(String associatedWith) {
        this.associatedWith = associatedWith;
    }

    @DatabaseChangeProperty(description = "Refused on PostgreSQL: CLUSTER rewrites the table under an ACCESS EXCLUSIVE lock",
            requiredForDatabase = "none")
    public Boolean getClustered() {
        return clustered;
    }

    public void setClustered(Boolean clustered) {
        this.clustered = clustered;
    }

    @DatabaseChangeProperty(description = "The index method, e.g. btree or gin", requiredForDatabase = "none")
    public String getUsing() {
        return using;
    }

    public void setUsing(String using) {
        this.using = using;
    }

    @Override
    public ValidationErrors validate(Database database) {
        ValidationErrors errors = super.validate(database);
        OnlineChangeSupport.requireOutsideTransaction(errors, this, NAME,
                "PostgreSQL refuses CREATE INDEX CONCURRENTLY inside a transaction block");
        for (AddColumnConfig column : columns) {
            if (column.getName() == null) {
                errors.addError(NAME + ": column 'name' is required for all columns in an index");
            }
        }
        if (OnlineChangeSupport.isPostgres(database) && Boolean.TRUE.equals(clustered)) {
            errors.addError(NAME + " " + indexName + ": clustered=\"true\" would run CLUSTER, which rewrites " + tableName
                    + " under an ACCESS EXCLUSIVE lock; remove it (and run CLUSTER in a maintenance window if you need it)");
        }
        return errors;
    }

    @Override
    public SqlStatement[] generateStatements(Database database) {
        if (!OnlineChangeSupport.isPostgres(database)) {
            // the warning is logged by Liquibase's validation, from warn()
            return plainCreateIndex().generateStatements(database);
        }
        String create = createConcurrentlySql(database);
        if (create == null) {
            return SqlStatement.EMPTY_SQL_STATEMENT;
        }
        if (!shouldExecuteChange(database)) {
            return new SqlStatement[] {
                    new CommentStatement(NAME + ": if an INVALID index " + indexName + " is left from an earlier failed run, drop it "
                            + "first with DROP INDEX CONCURRENTLY"),
                    new RawSqlStatement(create)};
        }
        try {
            new Build(database, create).run();
        } catch (SQLException e) {
            throw new UnexpectedLiquibaseException(e.getMessage(), e);
        }
        return SqlStatement.EMPTY_SQL_STATEMENT;
    }

    @Override
    public SqlStatement[] generateRollbackStatements(Database database) throws RollbackImpossibleException {
        if (!OnlineChangeSupport.isPostgres(database)) {
            DropIndexChange inverse = new DropIndexChange();
            inverse.setCatalogName(catalogName);
            inverse.setSchemaName(schemaName);
            inverse.setTableName(tableName);
            inverse.setIndexName(indexName);
            return inverse.generateStatements(database);
        }
        // runs outside a transaction too: the change set says runInTransaction="false" for both directions
        return new SqlStatement[] {new RawSqlStatement("DROP INDEX CONCURRENTLY IF EXISTS "
                + database.escapeObjectName(catalogName, schemaName, indexName, Index.class))};
    }

    @Override
    public String getConfirmationMessage() {
        return "Index " + indexName + " created concurrently";
    }

    @Override
    public String[] getExcludedFieldFilters(ChecksumVersion version) {
        return new String[] {"associatedWith", "using"};
    }

    private CreateIndexChange plainCreateIndex() {
        CreateIndexChange change = new CreateIndexChange();
        change.setCatalogName(catalogName);
        change.setSchemaName(schemaName);
        change.setTableName(tableName);
        change.setIndexName(indexName);
        change.setUnique(unique);
        change.setTablespace(tablespace);
        change.setAssociatedWith(associatedWith);
        change.setClustered(clustered);
        change.setUsing(using);
        change.setColumns(new ArrayList<>(columns));
        return change;
    }

    /**
     * Liquibase's own SQL for the index (quoting, computed and descending columns, USING,
     * TABLESPACE), made concurrent; {@code null} when createIndex would create nothing (an index
     * associated with a primary key, unique or foreign key constraint).
     */
    private String createConcurrentlySql(Database database) {
        List<String> sql = new ArrayList<>();
        for (SqlStatement statement : plainCreateIndex().generateStatements(database)) {
            for (Sql generated : SqlGeneratorFactory.getInstance().generateSql(statement, database)) {
                sql.add(generated.toSql());
            }
        }
        if (sql.isEmpty()) {
            return null;
        }
        Matcher matcher = CREATE_INDEX.matcher(sql.get(0));
        if (sql.size() != 1 || !matcher.find()) {
            throw new UnexpectedLiquibaseException(NAME + " " + indexName + ": cannot make Liquibase's index SQL concurrent: " + sql);
        }
        return matcher.replaceFirst("CREATE " + (matcher.group(1) == null ? "" : "UNIQUE ") + "INDEX CONCURRENTLY ");
    }

    @Override
    String fallbackWarning(Database database) {
        return NAME + " " + indexName + ": " + database.getDisplayName() + " is not PostgreSQL, so it runs Liquibase's plain "
                + "createIndex, which may block writes to " + tableName + " while the index is built.";
    }

    /** The build on a live PostgreSQL connection. */
    private final class Build {

        private final Connection connection;
        private final String create;
        private final String table;
        private final String what;
        private final String indexStoredName;

        Build(Database database, String create) throws SQLException {
            this.connection = LiquibaseJdbc.connection(database, NAME);
            this.create = create;
            this.table = database.escapeTableName(catalogName, schemaName, tableName);
            this.what = NAME + " " + indexName + " on " + table;
            if (!connection.getAutoCommit()) {
                ChangeSet changeSet = getChangeSet();
                throw new SQLException(what + " runs inside a transaction" + (changeSet == null ? "" : " (changeset "
                        + changeSet.toString(false) + ")") + ", where PostgreSQL refuses CREATE INDEX CONCURRENTLY. "
                        + "Fix: set runInTransaction=\"false\" on the changeSet.");
            }
            this.indexStoredName = OnlineChangeSupport.storedName(database.escapeObjectName(indexName, Index.class));
        }

        void run() throws SQLException {
            Existing existing = existing();
            if (existing != null) {
                if (!existing.sameTable()) {
                    throw new SQLException(what + ": an index named " + existing.qualifiedName() + " already exists on another "
                            + "table (" + existing.table() + "); choose another indexName");
                }
                if (existing.valid()) {
                    log().info(what + ": index already exists and is valid (an earlier run built it); nothing to do");
                    return;
                }
                log().warning(what + ": found INVALID index " + existing.qualifiedName() + " left by an earlier failed build; "
                        + "dropping it and building it again");
                execute("DROP INDEX CONCURRENTLY IF EXISTS " + existing.qualifiedName());
            }
            try {
                execute(create);
            } catch (SQLException e) {
                Existing left = existing();
                String invalid = left != null && !left.valid()
                        ? "\nPostgreSQL left the index INVALID (it slows writes but serves no query); fix the cause and re-run: "
                        + "the INVALID index is dropped and built again."
                        : "";
                throw new SQLException(what + " failed: " + e.getMessage() + invalid, e.getSQLState(), e);
            }
            log().info(what + ": built");
        }

        private void execute(String sql) throws SQLException {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
        }

        /** The index of that name in the table's schema, if any. */
        private Existing existing() throws SQLException {
            try (PreparedStatement ps = connection.prepareStatement("select to_regclass(?)::oid")) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getObject(1) == null) {
                        throw new SQLException(what + ": table " + table + " does not exist");
                    }
                }
            }
            try (PreparedStatement ps = connection.prepareStatement("select i.indisvalid, i.indrelid = to_regclass(?)::oid, "
                    + "quote_ident(n.nspname) || '.' || quote_ident(c.relname), i.indrelid::regclass::text "
                    + "from pg_class c join pg_index i on i.indexrelid = c.oid join pg_namespace n on n.oid = c.relnamespace "
                    + "where c.relname = ? and c.relnamespace = (select relnamespace from pg_class where oid = to_regclass(?)::oid)")) {
                ps.setString(1, table);
                ps.setString(2, indexStoredName);
                ps.setString(3, table);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    return new Existing(rs.getBoolean(1), rs.getBoolean(2), rs.getString(3), rs.getString(4));
                }
            }
        }

        private Logger log() {
            return Scope.getCurrentScope().getLog(CreateIndexConcurrentlyChange.class);
        }
    }

    private record Existing(boolean valid, boolean sameTable, String qualifiedName, String table) {
    }
}
