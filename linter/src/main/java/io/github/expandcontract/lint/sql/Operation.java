package io.github.expandcontract.lint.sql;

/**
 * One thing a DDL statement does to the schema, as far as locks are concerned. A statement with
 * several actions ({@code ALTER TABLE t ADD a int, ADD b int}) gives one operation per action.
 *
 * @param kind what the statement does
 * @param table the table it locks (lower case, without schema), or {@code null} when unknown
 * @param column the column it touches, or {@code null}
 * @param name the constraint, index or new name it names, the variable a SET sets, or {@code null}
 * @param type the column's (new) type for {@link Kind#ADD_COLUMN} and {@link Kind#ALTER_COLUMN_TYPE}
 * @param expression the default of an added column, the condition of a CHECK, or the value of a
 *        {@code SET lock_timeout}
 * @param flags details: {@link #CONCURRENTLY}, {@link #NOT_VALID}, ...
 * @param sql the statement it came from, for messages
 */
public record Operation(Kind kind, String table, String column, String name, String type, String expression,
        int flags, String sql) {

    /** CREATE/DROP INDEX CONCURRENTLY. */
    public static final int CONCURRENTLY = 1;
    /** ADD CONSTRAINT ... NOT VALID. */
    public static final int NOT_VALID = 1 << 1;
    /** CREATE UNIQUE INDEX. */
    public static final int UNIQUE = 1 << 2;
    /** ADD COLUMN ... NOT NULL. */
    public static final int NOT_NULL = 1 << 3;
    /** ADD COLUMN whose value is computed per row: serial, identity, GENERATED ... STORED. */
    public static final int PER_ROW_VALUE = 1 << 4;
    /** ADD CONSTRAINT ... UNIQUE/PRIMARY KEY USING INDEX: takes over an existing index. */
    public static final int USING_INDEX = 1 << 5;
    /** SET LOCAL: lasts until the end of the transaction only. */
    public static final int LOCAL = 1 << 6;
    /** One of this library's own changes, which runs outside the changeset's transaction under its own lock_timeout. */
    public static final int SELF_MANAGED = 1 << 7;

    /** What a statement does. */
    public enum Kind {
        CREATE_TABLE,
        CREATE_INDEX,
        DROP_INDEX,
        ADD_COLUMN,
        ALTER_COLUMN_TYPE,
        SET_NOT_NULL,
        ADD_FOREIGN_KEY,
        ADD_CHECK,
        ADD_UNIQUE,
        ADD_PRIMARY_KEY,
        VALIDATE_CONSTRAINT,
        RENAME_COLUMN,
        RENAME_TABLE,
        DROP_COLUMN,
        DROP_TABLE,
        /** SET lock_timeout (PostgreSQL) or lock_wait_timeout (MySQL). */
        SET_LOCK_TIMEOUT,
        /** Takes a blocking lock on an existing table for a moment, rewrites nothing, scans nothing. */
        BRIEF_LOCK,
        /** Locks no existing table in a way that blocks its readers or writers (DML, sequences, views, ...). */
        NO_TABLE_LOCK,
        /** The classifier cannot tell what it does. */
        UNCLASSIFIED
    }

    public boolean has(int flag) {
        return (this.flags & flag) != 0;
    }

    public static Operation of(Kind kind, String table, String sql) {
        return new Operation(kind, table, null, null, null, null, 0, sql);
    }

    public Operation withColumn(String column) {
        return new Operation(kind, table, column, name, type, expression, flags, sql);
    }

    public Operation withName(String name) {
        return new Operation(kind, table, column, name, type, expression, flags, sql);
    }

    public Operation withType(String type) {
        return new Operation(kind, table, column, name, type, expression, flags, sql);
    }

    public Operation withExpression(String expression) {
        return new Operation(kind, table, column, name, type, expression, flags, sql);
    }

    public Operation withFlag(int flag, boolean set) {
        return set ? new Operation(kind, table, column, name, type, expression, flags | flag, sql) : this;
    }
}
