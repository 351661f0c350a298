package io.github.expandcontract.lint;

import io.github.expandcontract.lint.sql.ColumnTypes;
import io.github.expandcontract.lint.sql.Dialect;
import io.github.expandcontract.lint.sql.Operation;
import io.github.expandcontract.lint.sql.Operation.Kind;
import io.github.expandcontract.lint.sql.SqlClassifier;
import liquibase.Scope;
import liquibase.change.Change;
import liquibase.change.ChangeFactory;
import liquibase.change.ChangeParameterMetaData;
import liquibase.change.AbstractSQLChange;
import liquibase.change.ColumnConfig;
import liquibase.change.core.AddColumnChange;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.database.Database;
import liquibase.database.DatabaseList;
import liquibase.database.core.MySQLDatabase;
import liquibase.database.core.PostgresDatabase;
import liquibase.precondition.Precondition;
import liquibase.precondition.core.AndPrecondition;
import liquibase.precondition.core.PreconditionContainer;
import liquibase.sql.Sql;
import liquibase.sqlgenerator.SqlGeneratorFactory;
import liquibase.statement.SqlStatement;
import liquibase.statement.core.RuntimeStatement;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Walks the changesets of one requested changelog in execution order, keeping what it learns about
 * the schema (tables created per file, column types, constraints added NOT VALID, lock_timeout
 * set for the whole run), and applies the rules to each changeset.
 *
 * <p>A table created earlier in the <em>same file</em> counts as new: a file is one release's
 * migration, so the table is still empty when the later changesets of that file run. A table
 * created in another file (an earlier release) counts as existing, busy data.
 */
final class ChangelogAnalysis {

    /** This library's own Liquibase changes, recognised by name (from expand-contract-liquibase). */
    static final String CREATE_INDEX_CONCURRENTLY = "createIndexConcurrently";
    static final String ADD_NOT_NULL_CONSTRAINT_ONLINE = "addNotNullConstraintOnline";
    /** Preconditions that mark a changeset as the contract step of a verified migration. */
    static final Set<String> CONTRACT_GUARDS = Set.of("migrationVerified", "noOldColumnWriters");
    /** Liquibase changes that touch no table. */
    private static final Set<String> NO_SQL_CHANGES = Set.of("tagDatabase", "output", "empty", "stop");
    /**
     * Liquibase changes that run code when their statements are generated (a custom task's
     * execute, a shell command): the linter must never generate them.
     */
    private static final Set<String> CODE_RUNNING_CHANGES = Set.of("customChange", "executeCommand");

    private final String requestedFile;
    private final LintOptions options;
    private final Dialect dialect;
    private final Database database;
    private final ChangeSetLines lines;

    private final Map<String, Set<String>> tablesCreatedByFile = new HashMap<>();
    private final Map<String, String> columnTypes = new HashMap<>();
    private final Map<String, String> indexTables = new HashMap<>();
    private final Map<String, String> checkConditions = new HashMap<>();
    private final Set<String> validatedNotNullChecks = new HashSet<>();
    private boolean lockTimeoutForTheRun;

    private final List<Finding> findings = new ArrayList<>();
    private final Set<Suppression> suppressed = new LinkedHashSet<>();

    ChangelogAnalysis(String requestedFile, LintOptions options, ChangeSetLines lines) {
        this.requestedFile = requestedFile;
        this.options = options;
        this.dialect = options.dialect();
        this.database = this.dialect == Dialect.MYSQL ? new MySQLDatabase() : new PostgresDatabase();
        this.lines = lines;
    }

    FileReport run(DatabaseChangeLog changeLog) {
        for (ChangeSet changeSet : changeLog.getChangeSets()) {
            if (changeSet.getDbmsSet() == null || changeSet.getDbmsSet().isEmpty()
                    || DatabaseList.definitionMatches(changeSet.getDbmsSet(), this.database, true)) {
                new ChangeSetCheck(changeSet).run();
            }
        }
        return new FileReport(this.requestedFile, this.findings, new ArrayList<>(this.suppressed));
    }

    private final class ChangeSetCheck {

        private final ChangeSet changeSet;
        private final String file;
        private final Suppressions suppressions;
        private final boolean transactional;
        private final boolean contractStep;
        private final Set<String> addedNotValidHere = new HashSet<>();
        private final List<Operation> blocking = new ArrayList<>();
        private final Set<Operation> lengthy = new HashSet<>();
        private boolean lockTimeout = lockTimeoutForTheRun;
        private boolean lockTimeoutForTheSession;
        private boolean lockTimeoutReported;

        ChangeSetCheck(ChangeSet changeSet) {
            this.changeSet = changeSet;
            this.file = changeSet.getFilePath();
            this.suppressions = new Suppressions(changeSet.getComments());
            this.transactional = changeSet.isRunInTransaction();
            this.contractStep = guardedAsContractStep(changeSet.getPreconditions());
        }

        void run() {
            for (String problem : this.suppressions.problems()) {
                report(Rule.INVALID_SUPPRESSION, problem, null);
            }
            for (Change change : this.changeSet.getChanges()) {
                List<Operation> operations;
                try {
                    operations = operations(change);
                } catch (UnclassifiedChangeException e) {
                    report(Rule.UNCLASSIFIED_CHANGE, "The linter cannot tell what change '" + changeName(change) + "' does: "
                            + e.getMessage() + ".", null);
                    continue;
                } catch (Exception | LinkageError e) {
                    report(Rule.UNCLASSIFIED_CHANGE, "The linter cannot tell what change '" + changeName(change)
                            + "' does: Liquibase could not turn it into SQL offline (" + e.getMessage() + ").", null);
                    continue;
                }
                for (Operation operation : operations) {
                    check(operation);
                }
            }
            long tables = this.blocking.stream().map(Operation::table).distinct().count();
            if (this.transactional && this.blocking.size() > 1 && (tables > 1 || !this.lengthy.isEmpty())) {
                report(Rule.MULTIPLE_LOCKS_IN_CHANGESET, this.blocking.size() + " statements take blocking locks in one transaction ("
                        + String.join("; ", this.blocking.stream().map(op -> abbreviate(op.sql())).distinct().toList())
                        + "): the first lock is held while the later ones wait and work.", null);
            }
            if (this.changeSet.isAlwaysRun() && this.lockTimeoutForTheSession) {
                lockTimeoutForTheRun = true;
            }
        }

        private void check(Operation op) {
            String table = op.table() != null ? op.table() : indexTables.get(op.name());
            boolean existing = table == null || !created(this.file).contains(table);
            switch (op.kind()) {
                case CREATE_TABLE -> created(this.file).add(table);
                case SET_LOCK_TIMEOUT -> {
                    // lock_timeout on PostgreSQL, lock_wait_timeout on MySQL (where SET LOCAL means SESSION)
                    if (op.name().equals(dialectIs(Dialect.MYSQL) ? "lock_wait_timeout" : "lock_timeout")) {
                        boolean set = !isZero(op.expression());
                        this.lockTimeout = set;
                        if (!op.has(Operation.LOCAL) || dialectIs(Dialect.MYSQL)) {
                            this.lockTimeoutForTheSession = set;
                        }
                    }
                }
                case CREATE_INDEX -> createIndex(op, table, existing);
                case DROP_INDEX -> {
                    if (op.has(Operation.CONCURRENTLY)) {
                        concurrentInTransaction(op);
                    } else if (existing) {
                        blocks(op, false);
                    }
                }
                case ADD_COLUMN -> addColumn(op, table, existing);
                case ALTER_COLUMN_TYPE -> alterType(op, table, existing);
                case SET_NOT_NULL -> {
                    if (op.has(Operation.SELF_MANAGED)) {
                        ownChangeInTransaction(Rule.SET_NOT_NULL, op.sql(), op);
                    } else if (existing) {
                        setNotNull(op, table);
                    }
                }
                case ADD_FOREIGN_KEY, ADD_CHECK -> addConstraint(op, table, existing);
                case VALIDATE_CONSTRAINT -> validate(op, table);
                case ADD_UNIQUE, ADD_PRIMARY_KEY -> {
                    if (existing) {
                        boolean builds = !op.has(Operation.USING_INDEX);
                        if (builds && this.dialectIs(Dialect.POSTGRESQL)) {
                            report(Rule.UNIQUE_CONSTRAINT_WITHOUT_INDEX, abbreviate(op.sql()) + " builds a unique index on existing table "
                                    + table + " while holding ACCESS EXCLUSIVE: reads and writes wait for the whole build.", op);
                        }
                        blocks(op, builds);
                    }
                }
                case RENAME_COLUMN, RENAME_TABLE -> rename(op, table, existing);
                case DROP_COLUMN, DROP_TABLE -> drop(op, table, existing);
                case BRIEF_LOCK -> {
                    if (existing) {
                        blocks(op, false);
                    }
                }
                case NO_TABLE_LOCK -> {
                }
                case UNCLASSIFIED -> {
                    if (existing) {
                        report(Rule.UNCLASSIFIED_SQL, "The linter cannot classify this statement, so it cannot tell which locks it takes: "
                                + abbreviate(op.sql()), op);
                    }
                }
            }
        }

        private void createIndex(Operation op, String table, boolean existing) {
            if (op.name() != null && table != null) {
                indexTables.put(op.name(), table);
            }
            if (op.has(Operation.SELF_MANAGED)) {
                ownChangeInTransaction(Rule.CONCURRENT_INDEX_IN_TRANSACTION, op.sql(), op);
                return;
            }
            if (op.has(Operation.CONCURRENTLY)) {
                concurrentInTransaction(op);
            } else if (existing) {
                if (dialectIs(Dialect.POSTGRESQL)) {
                    report(Rule.INDEX_NOT_CONCURRENT, abbreviate(op.sql()) + " builds the index without CONCURRENTLY: INSERT, UPDATE and DELETE on "
                            + table + " wait until the whole table is indexed.", op);
                    blocks(op, true);
                } else {
                    // InnoDB builds secondary indexes online; it still takes a short exclusive metadata lock
                    blocks(op, false);
                }
            }
        }

        /**
         * This library's changes run outside a transaction only in a changeset with runInTransaction=false;
         * in any other, the liquibase module's validation refuses the whole changelog, on every database.
         */
        private void ownChangeInTransaction(Rule rule, String change, Operation op) {
            if (this.transactional) {
                report(rule, change + " is in a changeset with runInTransaction=true: Liquibase refuses the changelog when it validates "
                        + "it, because this change must commit each of its steps on its own (in one transaction, "
                        + (rule == Rule.SET_NOT_NULL ? "the helper CHECK's ACCESS EXCLUSIVE lock would be held through the validating scan)."
                        : "PostgreSQL rejects CREATE INDEX CONCURRENTLY).") + " Set runInTransaction=\"false\" and keep it the only change of its changeset.", op);
            }
        }

        private void concurrentInTransaction(Operation op) {
            if (this.transactional && dialectIs(Dialect.POSTGRESQL)) {
                report(Rule.CONCURRENT_INDEX_IN_TRANSACTION, abbreviate(op.sql()) + " runs in a changeset with runInTransaction=true: PostgreSQL "
                        + "rejects CONCURRENTLY inside a transaction block, so the changeset fails.", op);
            }
        }

        private void addColumn(Operation op, String table, boolean existing) {
            if (table != null && op.column() != null && op.type() != null) {
                columnTypes.put(table + "." + op.column(), op.type());
            }
            if (!existing) {
                return;
            }
            boolean rewrites = false;
            if (dialectIs(Dialect.POSTGRESQL)) {
                String expression = op.expression();
                if (op.has(Operation.PER_ROW_VALUE) || expression != null && ColumnTypes.isVolatileDefault(expression)) {
                    rewrites = true;
                    report(Rule.VOLATILE_DEFAULT, abbreviate(op.sql()) + " adds column " + op.column() + " with a value computed per row ("
                            + (expression != null ? expression : op.type()) + "): PostgreSQL writes it into every row of " + table
                            + ", rewriting the table under ACCESS EXCLUSIVE.", op);
                } else if (expression != null && options.postgresVersion() < 11) {
                    rewrites = true;
                    report(Rule.VOLATILE_DEFAULT, abbreviate(op.sql()) + " adds column " + op.column() + " with a default: before PostgreSQL 11 "
                            + "(the linter assumes " + options.postgresVersion() + ") every default rewrites " + table + " under ACCESS EXCLUSIVE.", op);
                } else if (op.has(Operation.NOT_NULL) && expression == null) {
                    report(Rule.NOT_NULL_COLUMN_WITHOUT_DEFAULT, abbreviate(op.sql()) + " adds NOT NULL column " + op.column()
                            + " without a default to existing table " + table + ": it fails as soon as the table has a row.", op);
                }
            } else if (op.has(Operation.PER_ROW_VALUE)) {
                rewrites = true;
                report(Rule.COLUMN_TYPE_CHANGE, abbreviate(op.sql()) + " adds an AUTO_INCREMENT column: InnoDB copies " + table
                        + " to fill it (ALGORITHM=COPY), blocking writes.", op);
            }
            blocks(op, rewrites);
        }

        private void alterType(Operation op, String table, boolean existing) {
            String key = table + "." + op.column();
            String oldType = columnTypes.get(key);
            columnTypes.put(key, op.type());
            if (!existing) {
                return;
            }
            boolean rewrites = oldType == null || ColumnTypes.rewrites(oldType, op.type(), dialect);
            if (oldType == null) {
                report(Rule.COLUMN_TYPE_CHANGE, abbreviate(op.sql()) + " changes the type of " + key + " to " + op.type()
                        + "; the column's current type is not in the linted changelogs, and most type changes rewrite the table. "
                        + "If this one is a widening that does not (varchar(n) to varchar(m > n) or text), suppress it with that reason.", op);
            } else if (rewrites) {
                report(Rule.COLUMN_TYPE_CHANGE, abbreviate(op.sql()) + " changes " + key + " from " + oldType + " to " + op.type()
                        + ", which rewrites " + table + " and its indexes under ACCESS EXCLUSIVE.", op);
            } else if (dialectIs(Dialect.MYSQL) && op.has(Operation.NOT_NULL)) {
                setNotNull(op, table);
                return;
            }
            blocks(op, rewrites);
        }

        private void setNotNull(Operation op, String table) {
            boolean scans = !(dialectIs(Dialect.POSTGRESQL) && options.postgresVersion() >= 12
                    && validatedNotNullChecks.contains(table + "." + op.column()));
            if (scans) {
                report(Rule.SET_NOT_NULL, abbreviate(op.sql()) + " makes " + table + "." + op.column() + " NOT NULL: "
                        + (dialectIs(Dialect.MYSQL) ? "InnoDB rebuilds the table." : "PostgreSQL scans every row under ACCESS EXCLUSIVE, blocking reads and writes."), op);
            }
            blocks(op, scans);
        }

        private void addConstraint(Operation op, String table, boolean existing) {
            if (op.kind() == Kind.ADD_CHECK && op.name() != null && op.expression() != null) {
                checkConditions.put(table + "." + op.name(), op.expression());
            }
            if (!existing) {
                return;
            }
            boolean notValid = op.has(Operation.NOT_VALID);
            if (notValid && op.name() != null) {
                this.addedNotValidHere.add(table + "." + op.name());
            }
            boolean scans = !notValid && dialectIs(Dialect.POSTGRESQL);
            if (scans) {
                String what = op.kind() == Kind.ADD_FOREIGN_KEY ? "foreign key" : "CHECK constraint";
                report(Rule.CONSTRAINT_WITHOUT_NOT_VALID, abbreviate(op.sql()) + " adds a " + what + " to existing table " + table
                        + " without NOT VALID: every row is checked while "
                        + (op.kind() == Kind.ADD_FOREIGN_KEY ? "SHARE ROW EXCLUSIVE blocks writes to " + table + " and " + op.expression()
                                : "ACCESS EXCLUSIVE blocks reads and writes") + ".", op);
            }
            blocks(op, scans);
        }

        private void validate(Operation op, String table) {
            String key = table + "." + op.name();
            if (this.addedNotValidHere.contains(key) && this.transactional) {
                report(Rule.VALIDATE_IN_SAME_CHANGESET, abbreviate(op.sql()) + " validates constraint " + op.name()
                        + " in the changeset that added it NOT VALID: the lock taken by ADD CONSTRAINT is still held during the validating scan.", op);
            }
            String condition = checkConditions.get(key);
            if (condition != null) {
                String normalized = condition.replaceAll("[\\s()\"]", "").toLowerCase(Locale.ROOT);
                if (normalized.endsWith("isnotnull")) {
                    validatedNotNullChecks.add(table + "." + normalized.substring(0, normalized.length() - "isnotnull".length()));
                }
            }
        }

        private void rename(Operation op, String table, boolean existing) {
            if (op.kind() == Kind.RENAME_TABLE && !existing && op.name() != null) {
                created(this.file).add(op.name());
            }
            if (!existing) {
                return;
            }
            if (op.kind() == Kind.RENAME_COLUMN) {
                report(Rule.RENAME_COLUMN, abbreviate(op.sql()) + " renames column " + table + "." + op.column() + " to " + op.name()
                        + ": instances still running the previous version read and write " + op.column() + " and fail.", op);
            } else {
                report(Rule.RENAME_TABLE, abbreviate(op.sql()) + " renames table " + table + " to " + op.name()
                        + ": instances still running the previous version use " + table + " and fail.", op);
            }
            blocks(op, false);
        }

        private void drop(Operation op, String table, boolean existing) {
            if (!existing) {
                return;
            }
            if (!this.contractStep) {
                if (op.kind() == Kind.DROP_COLUMN) {
                    report(Rule.DROP_COLUMN, abbreviate(op.sql()) + " drops column " + table + "." + op.column()
                            + " outside a verified contract step: instances that still map it fail.", op);
                } else {
                    report(Rule.DROP_TABLE, abbreviate(op.sql()) + " drops table " + table
                            + " outside a verified contract step: instances that still use it fail.", op);
                }
            }
            blocks(op, false);
        }

        /** A statement that takes a lock blocking readers or writers of an existing table. */
        private void blocks(Operation op, boolean lengthy) {
            this.blocking.add(op);
            if (lengthy) {
                this.lengthy.add(op);
            }
            if (!this.lockTimeout && !this.lockTimeoutReported) {
                this.lockTimeoutReported = true;
                String setting = dialectIs(Dialect.MYSQL) ? "lock_wait_timeout" : "lock_timeout";
                report(Rule.MISSING_LOCK_TIMEOUT, abbreviate(op.sql()) + " takes " + lockOf(op) + " on " + Objects.requireNonNullElse(op.table(), "its table")
                        + " with no " + setting + " set before it: while it waits behind a running transaction, every later query on the table waits too.", op);
            }
        }

        private void report(Rule rule, String message, Operation op) {
            String reason = this.suppressions.reason(rule.id());
            if (reason != null && rule != Rule.INVALID_SUPPRESSION) {
                suppressed.add(new Suppression(rule.id(), this.changeSet.getId(), reason));
                return;
            }
            String where = this.file == null || samePath(this.file, requestedFile) ? "" : this.file + ": ";
            findings.add(new Finding(rule.id(), rule.severity(), this.changeSet.getId(), this.changeSet.getAuthor(),
                    lines.find(this.file, this.changeSet.getId(), this.changeSet.getAuthor()), this.file,
                    lock(rule, op), rule.rewritesTable(), where + message, rule.fix()));
        }

        private boolean dialectIs(Dialect d) {
            return dialect == d;
        }
    }

    private Set<String> created(String file) {
        return this.tablesCreatedByFile.computeIfAbsent(String.valueOf(file), f -> new HashSet<>());
    }

    private String lock(Rule rule, Operation op) {
        if (this.dialect == Dialect.MYSQL) {
            return switch (rule) {
                case COLUMN_TYPE_CHANGE -> "table copy (ALGORITHM=COPY): writes blocked while the table is copied";
                case SET_NOT_NULL -> "table rebuild (ALGORITHM=INPLACE with rebuild), exclusive metadata lock at start and end";
                case RENAME_COLUMN, RENAME_TABLE, DROP_COLUMN, DROP_TABLE -> "exclusive metadata lock for a moment; instances of the previous version fail";
                case MISSING_LOCK_TIMEOUT -> "exclusive metadata lock: while it waits, every later query on the table waits too";
                default -> rule.lock();
            };
        }
        if (rule == Rule.MISSING_LOCK_TIMEOUT && op != null) {
            return lockOf(op) + ": while it waits, every later query on the table waits too";
        }
        return rule.lock();
    }

    private String lockOf(Operation op) {
        if (this.dialect == Dialect.MYSQL) {
            return "an exclusive metadata lock";
        }
        return switch (op.kind()) {
            case CREATE_INDEX -> "SHARE";
            case ADD_FOREIGN_KEY -> "SHARE ROW EXCLUSIVE";
            default -> "ACCESS EXCLUSIVE";
        };
    }

    /** The operations of one change: this library's changes by name, the rest through the SQL Liquibase generates. */
    private List<Operation> operations(Change change) throws Exception {
        String name = changeName(change);
        if (CREATE_INDEX_CONCURRENTLY.equals(name)) {
            Object table = parameter(change, "tableName");
            return List.of(Operation.of(Kind.CREATE_INDEX, table == null ? null : table.toString().toLowerCase(Locale.ROOT),
                            "<ec:createIndexConcurrently>")
                    .withName(Objects.toString(parameter(change, "indexName"), null))
                    .withFlag(Operation.CONCURRENTLY | Operation.SELF_MANAGED, true));
        }
        if (ADD_NOT_NULL_CONSTRAINT_ONLINE.equals(name)) {
            // CHECK NOT VALID, VALIDATE, SET NOT NULL, each committed on its own under a short lock_timeout
            Object table = parameter(change, "tableName");
            return List.of(Operation.of(Kind.SET_NOT_NULL, table == null ? null : table.toString().toLowerCase(Locale.ROOT),
                            "<ec:addNotNullConstraintOnline>")
                    .withFlag(Operation.SELF_MANAGED, true));
        }
        if (NO_SQL_CHANGES.contains(name)) {
            return List.of();
        }
        if (CODE_RUNNING_CHANGES.contains(name)) {
            throw new UnclassifiedChangeException("it runs code instead of SQL, which the linter does not execute");
        }
        if (name.equals("loadData") || name.equals("loadUpdateData")) {
            return List.of(Operation.of(Kind.NO_TABLE_LOCK, null, name));
        }
        if (change instanceof AbstractSQLChange sqlChange && sqlChange.getDbms() != null && !sqlChange.getDbms().isBlank()
                && !DatabaseList.definitionMatches(sqlChange.getDbms(), this.database, true)) {
            return List.of();
        }
        List<Operation> operations = new ArrayList<>();
        for (SqlStatement statement : change.generateStatements(this.database)) {
            if (statement instanceof RuntimeStatement) {
                // generating its SQL would run it
                throw new UnclassifiedChangeException("it runs code when executed, which the linter does not do");
            }
            for (Sql sql : SqlGeneratorFactory.getInstance().generateSql(statement, this.database)) {
                operations.addAll(SqlClassifier.classify(sql.toSql()));
            }
        }
        if (change instanceof AddColumnChange addColumn) {
            // Liquibase generates serial and autoIncrement columns without a visible default offline
            for (int i = 0; i < operations.size(); i++) {
                Operation op = operations.get(i);
                for (ColumnConfig column : addColumn.getColumns()) {
                    boolean perRow = Boolean.TRUE.equals(column.isAutoIncrement())
                            || column.getType() != null && column.getType().toLowerCase(Locale.ROOT).matches("(small|big)?serial[248]?")
                            || column.getDefaultValueSequenceNext() != null;
                    if (perRow && op.kind() == Kind.ADD_COLUMN && column.getName().equalsIgnoreCase(op.column())) {
                        operations.set(i, op.withFlag(Operation.PER_ROW_VALUE, true));
                    }
                }
            }
        }
        return operations;
    }

    static String changeName(Change change) {
        return Scope.getCurrentScope().getSingleton(ChangeFactory.class).getChangeMetaData(change).getName();
    }

    private static Object parameter(Change change, String name) {
        ChangeParameterMetaData parameter = Scope.getCurrentScope().getSingleton(ChangeFactory.class)
                .getChangeMetaData(change).getParameters().get(name);
        return parameter == null ? null : parameter.getCurrentValue(change);
    }

    /**
     * Whether the changeset runs only once a migration is verified: a {@code migrationVerified}
     * or {@code noOldColumnWriters} precondition, not negated, whose failure does not just warn.
     */
    private static boolean guardedAsContractStep(PreconditionContainer preconditions) {
        if (preconditions == null || preconditions.getOnFail() == PreconditionContainer.FailOption.WARN) {
            return false;
        }
        return containsGuard(preconditions);
    }

    private static boolean containsGuard(Precondition precondition) {
        if (CONTRACT_GUARDS.contains(precondition.getName())) {
            return true;
        }
        if (precondition instanceof AndPrecondition all) {
            // inside OR or NOT the guard does not have to hold
            return all.getNestedPreconditions().stream().anyMatch(ChangelogAnalysis::containsGuard);
        }
        return false;
    }

    /** A change whose effect the linter cannot see. */
    private static final class UnclassifiedChangeException extends Exception {
        UnclassifiedChangeException(String message) {
            super(message);
        }
    }

    /** {@code classpath:/db/a.yaml} and {@code db/a.yaml} name the same changelog. */
    private static boolean samePath(String a, String b) {
        return normalizePath(a).equals(normalizePath(b));
    }

    private static String normalizePath(String path) {
        String p = path.startsWith("classpath:") ? path.substring("classpath:".length()) : path;
        return p.replace('\\', '/').replaceFirst("^/+", "");
    }

    private static boolean isZero(String value) {
        return value == null || value.trim().replaceAll("[a-zA-Z\\s]", "").matches("0*(\\.0*)?");
    }

    private static String abbreviate(String sql) {
        return sql.length() <= 160 ? sql : sql.substring(0, 157) + "...";
    }
}
