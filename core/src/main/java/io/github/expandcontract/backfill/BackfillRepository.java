package io.github.expandcontract.backfill;

import io.github.expandcontract.state.MigrationStateStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The backfill's row in {@value MigrationStateStore#BACKFILL_TABLE}: progress, checkpoint, the
 * operator's pause request and the runner's lease. Lease times use the database's clock, so
 * instances with skewed clocks still agree on who holds it.
 */
final class BackfillRepository {

    private static final String TABLE = MigrationStateStore.BACKFILL_TABLE;

    void ensureRow(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into " + TABLE + " (migration_id, status, pause_requested, "
                + "rows_processed, rows_copied, rows_failed, updated_at) select ?, ?, false, 0, 0, 0, ? "
                + "where not exists (select 1 from " + TABLE + " where migration_id = ?)")) {
            ps.setString(1, id);
            ps.setString(2, BackfillStatus.NOT_STARTED.name());
            ps.setTimestamp(3, Timestamp.from(Instant.now()));
            ps.setString(4, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!isDuplicateKey(e)) {
                throw e; // else another instance created the row at the same moment
            }
        }
    }

    static boolean isDuplicateKey(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }

    private static String leaseUntil(Duration lease) {
        return "current_timestamp + interval '" + Math.max(1, lease.toSeconds()) + "' second";
    }

    /** Takes or renews the lease: free, expired, or already ours. */
    boolean tryAcquireLease(Connection c, String id, String owner, Duration lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update " + TABLE + " set lease_owner = ?, lease_until = " + leaseUntil(lease)
                + " where migration_id = ? and (lease_owner is null or lease_owner = ? or lease_until < current_timestamp)")) {
            ps.setString(1, owner);
            ps.setString(2, id);
            ps.setString(3, owner);
            return ps.executeUpdate() == 1;
        }
    }

    void releaseLease(Connection c, String id, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update " + TABLE
                + " set lease_owner = null, lease_until = null where migration_id = ? and lease_owner = ?")) {
            ps.setString(1, id);
            ps.setString(2, owner);
            ps.executeUpdate();
        }
    }

    BackfillProgress load(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select status, pause_requested, rows_processed, rows_copied, rows_total, "
                + "batch_size, rows_per_second, last_error, rows_failed, sample_failed_ids, started_at, finished_at, "
                + "lease_owner, last_key, case when lease_until < current_timestamp then 1 else 0 end from " + TABLE
                + " where migration_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return BackfillProgress.notStarted(id);
                }
                String samples = rs.getString(10);
                boolean leaseExpired = rs.getInt(15) == 1;
                return new BackfillProgress(id, BackfillStatus.valueOf(rs.getString(1)), rs.getBoolean(2),
                        rs.getLong(3), rs.getLong(4), (Long) rs.getObject(5, Long.class), (Integer) rs.getObject(6, Integer.class),
                        (Double) rs.getObject(7, Double.class), rs.getString(8), rs.getLong(9),
                        samples == null || samples.isEmpty() ? List.of() : Arrays.asList(samples.split(",")),
                        instant(rs.getTimestamp(11)), instant(rs.getTimestamp(12)),
                        leaseExpired ? null : rs.getString(13), rs.getString(14));
            }
        }
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /**
     * Commits a window's progress with the window's own writes (same transaction), only while the
     * lease is still ours; renews the lease.
     *
     * @return false when the lease was lost: the caller must roll back
     */
    boolean checkpoint(Connection c, String id, String owner, Duration lease, String lastKey, BatchCopier.Result result,
                       int batchSize, double rowsPerSecond, List<String> sampleFailedIds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update " + TABLE + " set last_key = ?, rows_processed = rows_processed + ?, "
                + "rows_copied = rows_copied + ?, rows_failed = rows_failed + ?, sample_failed_ids = ?, batch_size = ?, "
                + "rows_per_second = ?, updated_at = ?, lease_until = " + leaseUntil(lease)
                + " where migration_id = ? and lease_owner = ?")) {
            ps.setString(1, lastKey);
            ps.setLong(2, result.scanned());
            ps.setLong(3, result.copied());
            ps.setLong(4, result.failed());
            ps.setString(5, sampleFailedIds.isEmpty() ? null : String.join(",", sampleFailedIds));
            ps.setInt(6, batchSize);
            ps.setDouble(7, rowsPerSecond);
            ps.setTimestamp(8, Timestamp.from(Instant.now()));
            ps.setString(9, id);
            ps.setString(10, owner);
            return ps.executeUpdate() == 1;
        }
    }

    void markRunning(Connection c, String id, long rowsTotal) throws SQLException {
        update(c, id, "status = ?, last_error = null, rows_total = coalesce(rows_total, ?), "
                + "started_at = coalesce(started_at, ?), finished_at = null", BackfillStatus.RUNNING.name(), rowsTotal, now());
    }

    void markPaused(Connection c, String id) throws SQLException {
        update(c, id, "status = ?", BackfillStatus.PAUSED.name());
    }

    void markCompleted(Connection c, String id) throws SQLException {
        update(c, id, "status = ?, rows_total = rows_processed, finished_at = ?", BackfillStatus.COMPLETED.name(), now());
    }

    void markFailed(Connection c, String id, String error) throws SQLException {
        update(c, id, "status = ?, last_error = ?, finished_at = ?", BackfillStatus.FAILED.name(),
                error.length() > 3900 ? error.substring(0, 3900) : error, now());
    }

    void requestPause(Connection c, String id, boolean pause) throws SQLException {
        update(c, id, "pause_requested = ?", pause);
    }

    /**
     * Back to work: after a failure or a pause, from the checkpoint; after completion, a full
     * re-run from the first key (the copy is idempotent, so rows already equal are only read).
     */
    void restart(Connection c, String id) throws SQLException {
        String rerun = "status = 'COMPLETED'";
        update(c, id, "last_key = case when " + rerun + " then null else last_key end, "
                        + "rows_processed = case when " + rerun + " then 0 else rows_processed end, "
                        + "rows_copied = case when " + rerun + " then 0 else rows_copied end, "
                        + "rows_failed = case when " + rerun + " then 0 else rows_failed end, "
                        + "sample_failed_ids = case when " + rerun + " then null else sample_failed_ids end, "
                        + "rows_total = case when " + rerun + " then null else rows_total end, "
                        + "status = ?, last_error = null, pause_requested = false, finished_at = null",
                BackfillStatus.NOT_STARTED.name());
    }

    private static Timestamp now() {
        return Timestamp.from(Instant.now());
    }

    private static void update(Connection c, String id, String assignments, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update " + TABLE + " set " + assignments + ", updated_at = ? where migration_id = ?")) {
            int i = 1;
            for (Object value : values) {
                if (value == null) {
                    ps.setNull(i++, Types.VARCHAR);
                } else {
                    ps.setObject(i++, value);
                }
            }
            ps.setTimestamp(i++, now());
            ps.setString(i, id);
            ps.executeUpdate();
        }
    }
}
