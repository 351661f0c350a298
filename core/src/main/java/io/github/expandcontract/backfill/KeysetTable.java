package io.github.expandcontract.backfill;

import io.github.expandcontract.migration.Migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;

/**
 * Keyset access to a migration's table: the next key window after a checkpoint, never OFFSET,
 * and keys stored in the state table as text.
 */
public final class KeysetTable {

    /**
     * Prefixes the statements the backfill and the verification send, so that {@link TrafficMonitor}
     * can tell them from the application's in {@code pg_stat_activity}.
     */
    public static final String SQL_MARKER = "/* expand-contract */ ";

    public final Migration migration;
    public final String table;
    public final String id;
    private final boolean postgres;

    public KeysetTable(Migration migration, boolean postgres) {
        if (migration.idColumn() == null) {
            throw new IllegalStateException("migration '" + migration.id() + "': table " + migration.table()
                    + " has a composite primary key; the backfill needs a single-column key");
        }
        this.migration = migration;
        this.table = migration.table().toString();
        this.id = migration.idColumn();
        this.postgres = postgres;
    }

    /** Whether the table lives in PostgreSQL (decided once, when the job or verification starts). */
    public boolean postgres() {
        return postgres;
    }

    public static boolean isPostgres(Connection connection) throws SQLException {
        return connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
    }

    /** The window after {@code afterKey}: up to {@code limit} keys; its last key and its size. */
    public record Window(Object lastKey, int rows) {
    }

    public Window nextWindow(Connection connection, Object afterKey, int limit) throws SQLException {
        String sql = SQL_MARKER + "select max(" + id + "), count(*) from (select " + id + " from " + table
                + (afterKey == null ? "" : " where " + id + " > ?") + " order by " + id + " limit ?) w";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            int i = 1;
            if (afterKey != null) {
                ps.setObject(i++, afterKey);
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                int rows = rs.getInt(2);
                return new Window(rows == 0 ? null : rs.getObject(1, migration.idType()), rows);
            }
        }
    }

    /** {@code id > ? and id <= ?} for a window (no lower bound for the first). */
    public String windowPredicate(Object afterKey) {
        return (afterKey == null ? "" : id + " > ? and ") + id + " <= ?";
    }

    public int bindWindow(PreparedStatement ps, int index, Object afterKey, Object lastKey) throws SQLException {
        if (afterKey != null) {
            ps.setObject(index++, afterKey);
        }
        ps.setObject(index++, lastKey);
        return index;
    }

    /** Estimated rows: PostgreSQL's statistics when it has them, else an exact count. */
    long estimateRows(Connection connection) throws SQLException {
        if (postgres) {
            try (PreparedStatement ps = connection.prepareStatement("select reltuples::bigint from pg_class where oid = to_regclass(?)")) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getLong(1) > 0) {
                        return rs.getLong(1);
                    }
                }
            }
        }
        try (PreparedStatement ps = connection.prepareStatement("select count(*) from " + table);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Keys are kept as text in the state table; this reads one back as the identifier's type. */
    public Object parseKey(String text) {
        if (text == null) {
            return null;
        }
        Class<?> type = migration.idType();
        if (type == Long.class) {
            return Long.valueOf(text);
        }
        if (type == Integer.class) {
            return Integer.valueOf(text);
        }
        if (type == UUID.class) {
            return UUID.fromString(text);
        }
        if (type == String.class) {
            return text;
        }
        throw new IllegalStateException("migration '" + migration.id() + "': identifier type " + type.getName()
                + " is not supported by the backfill (Long, Integer, String, UUID are)");
    }
}
