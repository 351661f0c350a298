package io.github.expandcontract.lint;

import java.util.Arrays;
import java.util.Optional;

/**
 * The linter's rules. Each names the lock the offending statement takes on PostgreSQL, whether it
 * rewrites the table, and the safe alternative, using this library's own Liquibase changes where
 * they exist. docs/linter.md explains each one.
 */
public enum Rule {

    INDEX_NOT_CONCURRENT("index-not-concurrent", Severity.ERROR,
            "SHARE: blocks INSERT, UPDATE and DELETE while the whole table is read and the index built", false,
            "Build it with <ec:createIndexConcurrently> (the attributes of createIndex), or CREATE INDEX CONCURRENTLY alone in a changeset with runInTransaction=\"false\"."),
    CONCURRENT_INDEX_IN_TRANSACTION("concurrent-index-in-transaction", Severity.ERROR,
            "none: PostgreSQL refuses CONCURRENTLY inside a transaction block, so the changeset fails", false,
            "Set runInTransaction=\"false\" on the changeset and keep the concurrent statement alone in it, or use <ec:createIndexConcurrently>, which runs outside a transaction by itself."),
    CONSTRAINT_WITHOUT_NOT_VALID("constraint-without-not-valid", Severity.ERROR,
            "CHECK: ACCESS EXCLUSIVE, FOREIGN KEY: SHARE ROW EXCLUSIVE on both tables, held while every row is checked", false,
            "Add it NOT VALID (addForeignKeyConstraint validate=\"false\", or ... NOT VALID in SQL), then ALTER TABLE ... VALIDATE CONSTRAINT in a later changeset: validating takes only SHARE UPDATE EXCLUSIVE, which blocks no reads or writes."),
    VALIDATE_IN_SAME_CHANGESET("validate-in-same-changeset", Severity.ERROR,
            "the ADD CONSTRAINT's lock is still held while VALIDATE scans the table: one transaction", false,
            "Move VALIDATE CONSTRAINT to a later changeset, so the NOT VALID constraint commits first and the validating scan runs under SHARE UPDATE EXCLUSIVE only."),
    SET_NOT_NULL("set-not-null", Severity.ERROR,
            "ACCESS EXCLUSIVE: blocks reads and writes while every row is scanned", false,
            "Use <ec:addNotNullConstraintOnline tableName=\"...\" columnName=\"...\"/>, or by hand: ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT c in a later changeset; then SET NOT NULL (PostgreSQL 12+ skips the scan) and drop the check."),
    NOT_NULL_COLUMN_WITHOUT_DEFAULT("not-null-column-without-default", Severity.ERROR,
            "ACCESS EXCLUSIVE; the statement fails when the table has rows", false,
            "Add the column nullable (expand), fill it (dual-write and backfill), then make it NOT NULL with <ec:addNotNullConstraintOnline>; or give it a constant default, which PostgreSQL 11+ adds without a rewrite."),
    VOLATILE_DEFAULT("volatile-default", Severity.ERROR,
            "ACCESS EXCLUSIVE: blocks reads and writes while the whole table is rewritten", true,
            "Add the column without a default (or with a constant one), then ALTER COLUMN ... SET DEFAULT (applies to new rows only) and fill existing rows in batches."),
    COLUMN_TYPE_CHANGE("column-type-change", Severity.ERROR,
            "ACCESS EXCLUSIVE: blocks reads and writes while the table and its indexes are rewritten", true,
            "Expand and contract: add a column of the new type, put @DualWrite(migration = \"...\", from = \"oldField\", converter = ...) on its field, backfill, read-new, contract, then drop the old column."),
    UNIQUE_CONSTRAINT_WITHOUT_INDEX("unique-constraint-without-index", Severity.ERROR,
            "ACCESS EXCLUSIVE: blocks reads and writes while a unique index is built over the whole table", false,
            "First build the index with <ec:createIndexConcurrently unique=\"true\"> (or CREATE UNIQUE INDEX CONCURRENTLY), then in a later changeset ALTER TABLE ... ADD CONSTRAINT name UNIQUE USING INDEX index_name (PRIMARY KEY USING INDEX for a key). Liquibase's forIndexName does not do this on PostgreSQL."),
    RENAME_COLUMN("rename-column", Severity.ERROR,
            "ACCESS EXCLUSIVE for a moment; nothing is rewritten, but instances of the previous version fail on the old name", false,
            "Expand and contract: add the new column, put @DualWrite(migration = \"...\", from = \"oldField\") on its field, backfill, read-new, contract, then drop the old column."),
    RENAME_TABLE("rename-table", Severity.ERROR,
            "ACCESS EXCLUSIVE for a moment; nothing is rewritten, but instances of the previous version fail on the old name", false,
            "Keep the old name until no running version uses it: create the new table and move in expand/contract steps, or rename and leave a simple (updatable) view under the old name until every instance is upgraded."),
    DROP_COLUMN("drop-column", Severity.ERROR,
            "ACCESS EXCLUSIVE for a moment; nothing is rewritten, but instances that still read or write the column fail", false,
            "Drop it in the contract step only: guard the changeset with <preConditions onFail=\"MARK_RAN\"><ec:migrationVerified migration=\"...\"/></preConditions> (and ec:noOldColumnWriters), after no running version maps the column; or suppress with the reason it is unused."),
    DROP_TABLE("drop-table", Severity.ERROR,
            "ACCESS EXCLUSIVE for a moment (also on tables referencing it); instances that still use the table fail", false,
            "Drop it only after no running version uses it: guard the changeset with <ec:migrationVerified> in its preConditions, or suppress with the reason it is unused."),
    MULTIPLE_LOCKS_IN_CHANGESET("multiple-locks-in-changeset", Severity.WARNING,
            "every statement's lock is held until the changeset's transaction commits", false,
            "Give each lock-taking statement its own changeset (or runInTransaction=\"false\"), so one lock is released before the next is requested."),
    MISSING_LOCK_TIMEOUT("missing-lock-timeout", Severity.WARNING,
            "a waiting lock request queues every later query on the table behind it", false,
            "Start the changeset with <sql>SET lock_timeout = '2s'</sql> (or once per run in a runAlways changeset at the top of the changelog) and retry when it times out; on MySQL SET SESSION lock_wait_timeout = 2."),
    UNCLASSIFIED_SQL("unclassified-sql", Severity.WARNING,
            "unknown", false,
            "Check the statement's locks by hand, then suppress this rule on the changeset with what you found (ec-lint:ignore unclassified-sql <reason>)."),
    UNCLASSIFIED_CHANGE("unclassified-change", Severity.WARNING,
            "unknown", false,
            "Check what the change does by hand, then suppress this rule on the changeset with what you found (ec-lint:ignore unclassified-change <reason>)."),
    INVALID_SUPPRESSION("invalid-suppression", Severity.WARNING,
            "none", false,
            "Write it as ec-lint:ignore <rule-id>[,<rule-id>...] <reason> in the changeset's comment, naming existing rules and saying why it is safe."),
    PARSE_ERROR("parse-error", Severity.ERROR,
            "unknown: the file was not checked", false,
            "Fix the changelog so that Liquibase parses it; a change from an extension needs the extension on the linter's class path (the ec: changes: expand-contract-liquibase).");

    private final String id;
    private final Severity severity;
    private final String lock;
    private final boolean rewritesTable;
    private final String fix;

    Rule(String id, Severity severity, String lock, boolean rewritesTable, String fix) {
        this.id = id;
        this.severity = severity;
        this.lock = lock;
        this.rewritesTable = rewritesTable;
        this.fix = fix;
    }

    /** The id used in reports and suppressions, e.g. {@code index-not-concurrent}. */
    public String id() {
        return this.id;
    }

    public Severity severity() {
        return this.severity;
    }

    /** The lock the offending statement takes on PostgreSQL and what it blocks. */
    public String lock() {
        return this.lock;
    }

    public boolean rewritesTable() {
        return this.rewritesTable;
    }

    /** The safe alternative. */
    public String fix() {
        return this.fix;
    }

    public static Optional<Rule> byId(String id) {
        return Arrays.stream(values()).filter(rule -> rule.id.equals(id)).findFirst();
    }
}
