package io.github.expandcontract.verify;

import io.github.expandcontract.state.MigrationStateStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** The latest verification of each migration, in {@value MigrationStateStore#VERIFICATION_TABLE}. */
public final class VerificationRepository {

    private static final String TABLE = MigrationStateStore.VERIFICATION_TABLE;

    public VerificationResult load(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select status, rows_checked, mismatches, sample_mismatch_ids, started_at, "
                + "finished_at from " + TABLE + " where migration_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return VerificationResult.notRun(id);
                }
                String samples = rs.getString(4);
                return new VerificationResult(id, VerificationStatus.valueOf(rs.getString(1)), rs.getLong(2), rs.getLong(3),
                        samples == null || samples.isEmpty() ? List.of() : Arrays.asList(samples.split(",")),
                        instant(rs.getTimestamp(5)), instant(rs.getTimestamp(6)));
            }
        }
    }

    public void save(Connection c, VerificationResult r) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("update " + TABLE + " set status = ?, rows_checked = ?, mismatches = ?, "
                + "sample_mismatch_ids = ?, started_at = ?, finished_at = ? where migration_id = ?")) {
            bind(update, r);
            update.setString(7, r.migrationId());
            if (update.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement insert = c.prepareStatement("insert into " + TABLE + " (status, rows_checked, mismatches, "
                + "sample_mismatch_ids, started_at, finished_at, migration_id) values (?, ?, ?, ?, ?, ?, ?)")) {
            bind(insert, r);
            insert.setString(7, r.migrationId());
            insert.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, VerificationResult r) throws SQLException {
        ps.setString(1, r.status().name());
        ps.setLong(2, r.rowsChecked());
        ps.setLong(3, r.mismatches());
        ps.setString(4, r.sampleMismatchIds().isEmpty() ? null : String.join(",", r.sampleMismatchIds()));
        ps.setTimestamp(5, r.startedAt() == null ? null : Timestamp.from(r.startedAt()));
        ps.setTimestamp(6, r.finishedAt() == null ? null : Timestamp.from(r.finishedAt()));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
