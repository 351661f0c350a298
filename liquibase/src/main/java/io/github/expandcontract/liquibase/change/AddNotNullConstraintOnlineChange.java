package io.github.expandcontract.liquibase.change;

import io.github.expandcontract.liquibase.DurationAttribute;
import io.github.expandcontract.liquibase.LiquibaseJdbc;
import liquibase.Scope;
import liquibase.change.ChangeMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.DatabaseChangeProperty;
import liquibase.change.core.AddNotNullConstraintChange;
import liquibase.change.core.DropNotNullConstraintChange;
import liquibase.changelog.ChangeSet;
import liquibase.ChecksumVersion;
import liquibase.database.Database;
import liquibase.exception.RollbackImpossibleException;
import liquibase.exception.UnexpectedLiquibaseException;
import liquibase.exception.ValidationErrors;
import liquibase.statement.SqlStatement;
import liquibase.statement.core.CommentStatement;
import liquibase.statement.core.RawSqlStatement;
import liquibase.structure.core.Column;
import liquibase.structure.core.Table;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * {@code addNotNullConstraintOnline}: makes a column NOT NULL on a busy PostgreSQL table without
 * holding the table's ACCESS EXCLUSIVE lock for a scan. Four steps, each its own transaction under
 * a short {@code lock_timeout}, retried with a growing pause when the lock is not available:
 * <ol>
 *   <li>{@code ADD CONSTRAINT <helper> CHECK (col IS NOT NULL) NOT VALID}: brief ACCESS EXCLUSIVE, no scan;</li>
 *   <li>{@code VALIDATE CONSTRAINT <helper>}: scans the table under SHARE UPDATE EXCLUSIVE, which lets
 *       reads and writes through;</li>
 *   <li>{@code ALTER COLUMN col SET NOT NULL}: brief ACCESS EXCLUSIVE; PostgreSQL 12+ proves the column
 *       has no NULL from the validated check and skips the scan;</li>
 *   <li>{@code DROP CONSTRAINT <helper>}: brief ACCESS EXCLUSIVE.</li>
 * </ol>
 * A re-run after a failure resumes from the state it finds (helper check present or validated,
 * column already NOT NULL). Rollback drops the helper check if present and the NOT NULL, under the
 * same lock timeout. Other databases get Liquibase's {@code addNotNullConstraint}, with a warning.
 */
@DatabaseChange(name = AddNotNullConstraintOnlineChange.NAME,
        description = "Adds a NOT NULL constraint on PostgreSQL without blocking writers longer than a short lock_timeout: "
                + "a NOT VALID check, validated in its own transaction, lets SET NOT NULL skip the table scan. "
                + "Other databases fall back to addNotNullConstraint.",
        priority = ChangeMetaData.PRIORITY_DEFAULT,
        appliesTo = "column")
public class AddNotNullConstraintOnlineChange extends OnlineChange {

    public static final String NAME = "addNotNullConstraintOnline";

    static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(2);
    static final int DEFAULT_MAX_ATTEMPTS = 10;

    private static final String SUFFIX = "_ec_not_null";
    private static final int MAX_IDENTIFIER_BYTES = 63;

    private String schemaName;
    private String tableName;
    private String columnName;
    private String columnDataType;
    private String lockTimeout;
    private Integer maxAttempts;

    @DatabaseChangeProperty(description = "Name of the table's schema; default: the connection's current schema",
            requiredForDatabase = "none")
    public String getSchemaName() {
        return schemaName;
    }

    public void setSchemaName(String schemaName) {
        this.schemaName = schemaName;
    }

    @DatabaseChangeProperty(description = "Name of the table", requiredForDatabase = "all", exampleValue = "person")
    public String getTableName() {
        return tableName;
    }

    public void setTableName(String tableName) {
        this.tableName = tableName;
    }

    @DatabaseChangeProperty(description = "Name of the column to make NOT NULL", requiredForDatabase = "all", exampleValue = "email")
    public String getColumnName() {
        return columnName;
    }

    public void setColumnName(String columnName) {
        this.columnName = columnName;
    }

    @DatabaseChangeProperty(description = "Current data type of the column; only used by the addNotNullConstraint fallback on "
            + "databases that need it (e.g. MySQL)", requiredForDatabase = "none")
    public String getColumnDataType() {
        return columnDataType;
    }

    public void setColumnDataType(String columnDataType) {
        this.columnDataType = columnDataType;
    }

    @DatabaseChangeProperty(description = "How long each step waits for its lock before it gives up and retries: 500ms, 2s, "
            + "1min or plain milliseconds. Default 2s", requiredForDatabase = "none")
    public String getLockTimeout() {
        return lockTimeout;
    }

    public void setLockTimeout(String lockTimeout) {
        this.lockTimeout = lockTimeout;
    }

    @DatabaseChangeProperty(description = "How many times each step tries to get its lock before the change fails. Default 10",
            requiredForDatabase = "none")
    public Integer getMaxAttempts() {
        return maxAttempts;
    }

    public void setMaxAttempts(Integer maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    @Override
    public ValidationErrors validate(Database database) {
        ValidationErrors errors = super.validate(database);
        OnlineChangeSupport.requireOutsideTransaction(errors, this, NAME,
                "each of its steps commits on its own, so that no lock is held across the table scan");
        try {
            lockTimeoutDuration();
        } catch (IllegalArgumentException e) {
            errors.addError(NAME + ": " + e.getMessage());
        }
        if (maxAttempts != null && maxAttempts < 1) {
            errors.addError(NAME + ": maxAttempts must be at least 1");
        }
        if (OnlineChangeSupport.isPostgres(database) && database.getConnection() != null) {
            int major = OnlineChangeSupport.majorVersion(database);
            if (major > 0 && major < 12) {
                errors.addError(NAME + " needs PostgreSQL 12 or later, whose SET NOT NULL uses a validated check instead of "
                        + "scanning the table under an ACCESS EXCLUSIVE lock; this is PostgreSQL " + major + ".");
            }
        }
        return errors;
    }

    @Override
    public SqlStatement[] generateStatements(Database database) {
        if (!OnlineChangeSupport.isPostgres(database)) {
            // the warning is logged by Liquibase's validation, from warn()
            return fallback().generateStatements(database);
        }
        if (!shouldExecuteChange(database)) {
            return plannedStatements(database);
        }
        try {
            new Steps(database).add();
        } catch (SQLException e) {
            throw new UnexpectedLiquibaseException(e.getMessage(), e);
        }
        return SqlStatement.EMPTY_SQL_STATEMENT;
    }

    @Override
    public SqlStatement[] generateRollbackStatements(Database database) throws RollbackImpossibleException {
        if (!OnlineChangeSupport.isPostgres(database)) {
            DropNotNullConstraintChange inverse = new DropNotNullConstraintChange();
            inverse.setSchemaName(schemaName);
            inverse.setTableName(tableName);
            inverse.setColumnName(columnName);
            inverse.setColumnDataType(columnDataType);
            return inverse.generateStatements(database);
        }
        if (!shouldExecuteChange(database)) {
            return plannedRollbackStatements(database);
        }
        try {
            new Steps(database).drop();
        } catch (SQLException e) {
            throw new UnexpectedLiquibaseException(e.getMessage(), e);
        }
        return SqlStatement.EMPTY_SQL_STATEMENT;
    }

    @Override
    public String getConfirmationMessage() {
        return "NOT NULL constraint added online to " + tableName + "." + columnName;
    }

    @Override
    public String[] getExcludedFieldFilters(ChecksumVersion version) {
        // tuning how the change waits for locks does not change what it does
        return new String[] {"lockTimeout", "maxAttempts"};
    }

    /** The helper check's name: {@code <table>_<column>_ec_not_null}, shortened with a hash to PostgreSQL's 63 bytes. */
    static String helperConstraintName(String table, String column) {
        String base = table + "_" + column;
        if ((base + SUFFIX).getBytes(StandardCharsets.UTF_8).length <= MAX_IDENTIFIER_BYTES) {
            return base + SUFFIX;
        }
        CRC32 crc = new CRC32();
        crc.update(base.getBytes(StandardCharsets.UTF_8));
        String ascii = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        String hash = String.format("%08x", crc.getValue());
        int keep = MAX_IDENTIFIER_BYTES - SUFFIX.length() - hash.length() - 1;
        return ascii.substring(0, Math.min(keep, ascii.length())) + "_" + hash + SUFFIX;
    }

    private Duration lockTimeoutDuration() {
        return lockTimeout == null || lockTimeout.isBlank() ? DEFAULT_LOCK_TIMEOUT : DurationAttribute.parse("lockTimeout", lockTimeout);
    }

    private int attempts() {
        return maxAttempts == null ? DEFAULT_MAX_ATTEMPTS : maxAttempts;
    }

    private AddNotNullConstraintChange fallback() {
        AddNotNullConstraintChange change = new AddNotNullConstraintChange();
        change.setSchemaName(schemaName);
        change.setTableName(tableName);
        change.setColumnName(columnName);
        change.setColumnDataType(columnDataType);
        return change;
    }

    @Override
    String fallbackWarning(Database database) {
        return NAME + " on " + tableName + "." + columnName + ": " + database.getDisplayName() + " is not PostgreSQL, so it runs "
                + "Liquibase's plain addNotNullConstraint, which may lock the table while it checks every row.";
    }

    private String tableRef(Database database) {
        return database.escapeTableName(null, schemaName, tableName);
    }

    private String columnRef(Database database) {
        return database.escapeColumnName(null, schemaName, tableName, columnName);
    }

    private String helperRef(Database database) {
        return OnlineChangeSupport.quote(helperConstraintName(
                OnlineChangeSupport.storedName(database.escapeObjectName(tableName, Table.class)),
                OnlineChangeSupport.storedName(database.escapeObjectName(columnName, Column.class))));
    }

    private String setLockTimeout() {
        return "SET lock_timeout = '" + lockTimeoutDuration().toMillis() + "ms'";
    }

    /** What {@code updateSQL} shows: the statements of a run that starts from scratch. */
    private SqlStatement[] plannedStatements(Database database) {
        String table = tableRef(database);
        String helper = helperRef(database);
        return List.of(
                new CommentStatement(NAME + ": run each statement in its own transaction; when one fails on lock_timeout, "
                        + "retry it after a pause (Liquibase itself tries each up to " + attempts() + " times)"),
                new RawSqlStatement(setLockTimeout()),
                new RawSqlStatement(addHelperSql(table, helper, columnRef(database))),
                new RawSqlStatement(validateHelperSql(table, helper)),
                new RawSqlStatement(setNotNullSql(table, columnRef(database))),
                new RawSqlStatement(dropHelperSql(table, helper)),
                new RawSqlStatement("RESET lock_timeout")).toArray(SqlStatement[]::new);
    }

    private SqlStatement[] plannedRollbackStatements(Database database) {
        String table = tableRef(database);
        return List.of(
                new RawSqlStatement(setLockTimeout()),
                new RawSqlStatement("ALTER TABLE " + table + " DROP CONSTRAINT IF EXISTS " + helperRef(database)),
                new RawSqlStatement(dropNotNullSql(table, columnRef(database))),
                new RawSqlStatement("RESET lock_timeout")).toArray(SqlStatement[]::new);
    }

    private static String addHelperSql(String table, String helper, String column) {
        return "ALTER TABLE " + table + " ADD CONSTRAINT " + helper + " CHECK (" + column + " IS NOT NULL) NOT VALID";
    }

    private static String validateHelperSql(String table, String helper) {
        return "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + helper;
    }

    private static String setNotNullSql(String table, String column) {
        return "ALTER TABLE " + table + " ALTER COLUMN " + column + " SET NOT NULL";
    }

    private static String dropNotNullSql(String table, String column) {
        return "ALTER TABLE " + table + " ALTER COLUMN " + column + " DROP NOT NULL";
    }

    private static String dropHelperSql(String table, String helper) {
        return "ALTER TABLE " + table + " DROP CONSTRAINT " + helper;
    }

    /** The steps on a live PostgreSQL connection, each picking up from what it finds. */
    private final class Steps {

        private final Connection connection;
        private final String table;
        private final String column;
        private final String helper;
        private final String helperName;
        private final String what;
        private final LockTimeoutRetry retry;

        Steps(Database database) throws SQLException {
            this.connection = LiquibaseJdbc.connection(database, NAME);
            this.table = tableRef(database);
            this.column = columnRef(database);
            this.helper = helperRef(database);
            this.helperName = OnlineChangeSupport.storedName(helper);
            this.what = NAME + " on " + table + "." + column;
            if (!connection.getAutoCommit()) {
                ChangeSet changeSet = getChangeSet();
                throw new SQLException(what + " runs inside a transaction" + (changeSet == null ? "" : " (changeset "
                        + changeSet.toString(false) + ")") + "; its steps must each commit on their own. "
                        + "Fix: set runInTransaction=\"false\" on the changeSet.");
            }
            this.retry = new LockTimeoutRetry(connection, what, table, lockTimeoutDuration(), attempts());
        }

        void add() throws SQLException {
            State state = state();
            if (state.notNull()) {
                if (state.helperExists()) {
                    retry.run("drop helper check " + helper, dropHelperSql(table, helper));
                }
                log(what + ": column is already NOT NULL; nothing else to do");
                return;
            }
            if (!state.helperExists()) {
                retry.run("add NOT VALID check " + helper, addHelperSql(table, helper, column));
            } else {
                log(what + ": helper check " + helper + " is already there from an earlier run; resuming");
            }
            if (!state.helperValidated()) {
                validate();
            }
            retry.run("SET NOT NULL", setNotNullSql(table, column));
            retry.run("drop helper check " + helper, dropHelperSql(table, helper));
        }

        void drop() throws SQLException {
            State state = state();
            if (state.helperExists()) {
                retry.run("drop helper check " + helper, dropHelperSql(table, helper));
            }
            if (state.notNull()) {
                retry.run("DROP NOT NULL", dropNotNullSql(table, column));
            }
        }

        private void validate() throws SQLException {
            try {
                retry.run("validate check " + helper + " (table scan; reads and writes go on)", validateHelperSql(table, helper));
            } catch (SQLException e) {
                if (!"23514".equals(e.getSQLState())) {
                    throw e;
                }
                // the check would keep rejecting NULL writes from applications that still make them: take it away
                try {
                    retry.run("drop helper check " + helper + " after failed validation", dropHelperSql(table, helper));
                } catch (SQLException dropFailure) {
                    e.addSuppressed(dropFailure);
                }
                throw new SQLException(what + ": the column still holds NULL values, so it cannot become NOT NULL. Fill them "
                        + "first (for an expand/contract migration: let the backfill finish and its verification pass), then "
                        + "re-run. PostgreSQL said: " + e.getMessage(), e.getSQLState(), e);
            }
        }

        private State state() throws SQLException {
            try (PreparedStatement ps = connection.prepareStatement("select to_regclass(?)::oid")) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getObject(1) == null) {
                        throw new SQLException(what + ": table " + table + " does not exist");
                    }
                }
            }
            try (PreparedStatement ps = connection.prepareStatement("select a.attnotnull, c.oid is not null, c.convalidated, "
                    + "pg_get_constraintdef(c.oid) from pg_attribute a "
                    + "left join pg_constraint c on c.conrelid = a.attrelid and c.conname = ? and c.contype = 'c' "
                    + "where a.attrelid = to_regclass(?) and a.attname = ? and a.attnum > 0 and not a.attisdropped")) {
                ps.setString(1, helperName);
                ps.setString(2, table);
                ps.setString(3, OnlineChangeSupport.storedName(column));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException(what + ": table " + table + " has no column " + column);
                    }
                    boolean helperExists = rs.getBoolean(2);
                    String definition = rs.getString(4);
                    if (helperExists && (definition == null || !definition.toUpperCase(Locale.ROOT).contains("IS NOT NULL"))) {
                        throw new SQLException(what + ": a check constraint named " + helper + " exists but is not a NOT NULL "
                                + "check (" + definition + "); rename or drop it, then re-run");
                    }
                    return new State(rs.getBoolean(1), helperExists, helperExists && rs.getBoolean(3));
                }
            }
        }

        private void log(String message) {
            Scope.getCurrentScope().getLog(AddNotNullConstraintOnlineChange.class).info(message);
        }
    }

    private record State(boolean notNull, boolean helperExists, boolean helperValidated) {
    }
}
