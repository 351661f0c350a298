package io.github.expandcontract.backfill;

import io.github.expandcontract.migration.Migration;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Copies one keyset window old to new, race-free with concurrent dual writes.
 * <ul>
 *   <li>In SQL (identity or {@code backfillSql}): one UPDATE per window, only where the new column
 *   IS DISTINCT FROM the converted old value. The database evaluates old at the moment it locks
 *   each row, so a concurrent dual write is never overwritten with a stale value.</li>
 *   <li>Through the Java converter: read the window, convert, and write back with compare-and-set
 *   on the old value, so a row the application changed meanwhile (and dual-wrote) is left alone.</li>
 *   <li>{@code @FillNulls} (in SQL too): one UPDATE per window that writes the value where the column
 *   IS NULL. The database re-checks IS NULL when it locks each row, so a value the application wrote
 *   meanwhile is never overwritten; {@code copied} counts the rows filled.</li>
 * </ul>
 */
public abstract sealed class BatchCopier {

    /** What one window did. */
    record Result(int scanned, int copied, int failed, List<String> failedIds) {
    }

    final KeysetTable keyset;

    BatchCopier(KeysetTable keyset) {
        this.keyset = keyset;
    }

    static BatchCopier of(KeysetTable keyset) {
        return keyset.migration.convertsInSql() ? new InSql(keyset) : new ThroughConverter(keyset);
    }

    abstract Result copy(Connection connection, Object afterKey, KeysetTable.Window window) throws SQLException;

    static final class InSql extends BatchCopier {
        InSql(KeysetTable keyset) {
            super(keyset);
        }

        @Override
        Result copy(Connection connection, Object afterKey, KeysetTable.Window window) throws SQLException {
            Migration m = keyset.migration;
            // a @FillNulls value is bound (only where the column IS NULL); a move's value is SQL of the old column
            String sql = KeysetTable.SQL_MARKER + "update " + keyset.table + " set " + m.newColumn() + " = "
                    + (m.fillsNulls() ? "?" : m.newValueSql()) + " where " + keyset.windowPredicate(afterKey)
                    + " and " + m.mismatchCondition();
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                int index = 1;
                if (m.fillsNulls()) {
                    ps.setObject(index++, m.fillJdbcValue());
                }
                keyset.bindWindow(ps, index, afterKey, window.lastKey());
                return new Result(window.rows(), ps.executeUpdate(), 0, List.of());
            }
        }
    }

    static final class ThroughConverter extends BatchCopier {
        ThroughConverter(KeysetTable keyset) {
            super(keyset);
        }

        @Override
        Result copy(Connection connection, Object afterKey, KeysetTable.Window window) throws SQLException {
            Migration m = keyset.migration;
            List<Object[]> changes = new ArrayList<>();
            List<String> failedIds = new ArrayList<>();
            int failed = 0;
            String select = KeysetTable.SQL_MARKER + "select " + keyset.id + ", " + m.oldColumn() + ", " + m.newColumn() + " from " + keyset.table
                    + " where " + keyset.windowPredicate(afterKey) + " order by " + keyset.id;
            try (PreparedStatement ps = connection.prepareStatement(select)) {
                keyset.bindWindow(ps, 1, afterKey, window.lastKey());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Object id = rs.getObject(1, m.idType());
                        Object oldValue = m.oldValues().read(rs, 2);
                        Object newValue = m.newValues().read(rs, 3);
                        Object converted;
                        try {
                            converted = oldValue == null ? null : m.converter().toNew(oldValue);
                        } catch (RuntimeException e) {
                            // left untouched and counted; the verification reports it as a mismatch
                            failed++;
                            if (failedIds.size() < 10) {
                                failedIds.add(String.valueOf(id));
                            }
                            continue;
                        }
                        if (!sameValue(converted, newValue)) {
                            changes.add(new Object[] {id, oldValue, converted});
                        }
                    }
                }
            }
            return new Result(window.rows(), compareAndSet(connection, changes), failed, failedIds);
        }

        private int compareAndSet(Connection connection, List<Object[]> changes) throws SQLException {
            Migration m = keyset.migration;
            int copied = 0;
            String set = KeysetTable.SQL_MARKER + "update " + keyset.table + " set " + m.newColumn() + " = ? where " + keyset.id + " = ? and ";
            try (PreparedStatement whenEqual = connection.prepareStatement(set + m.oldColumn() + " = ?");
                 PreparedStatement whenNull = connection.prepareStatement(set + m.oldColumn() + " is null")) {
                for (Object[] change : changes) {
                    PreparedStatement ps = change[1] == null ? whenNull : whenEqual;
                    m.newValues().bind(ps, 1, change[2]);
                    ps.setObject(2, change[0]);
                    if (change[1] != null) {
                        m.oldValues().bind(ps, 3, change[1]);
                    }
                    ps.addBatch();
                }
                for (PreparedStatement ps : List.of(whenEqual, whenNull)) {
                    for (int count : ps.executeBatch()) {
                        copied += Math.max(count, 0);
                    }
                }
            }
            return copied;
        }
    }

    /** Equal as values: a BigDecimal regardless of scale, an OffsetDateTime regardless of offset (the database keeps the instant). */
    public static boolean sameValue(Object a, Object b) {
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            return x.compareTo(y) == 0;
        }
        if (a instanceof OffsetDateTime x && b instanceof OffsetDateTime y) {
            return x.isEqual(y);
        }
        return Objects.equals(a, b);
    }
}
