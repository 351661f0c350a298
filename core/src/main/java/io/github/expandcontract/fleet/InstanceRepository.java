package io.github.expandcontract.fleet;

import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.state.MigrationStateStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of {@value MigrationStateStore#INSTANCE_TABLE}: one per running instance and migration,
 * with the phase the instance runs and its latest heartbeat. Every time is the database's clock
 * ({@code current_timestamp}), so instances with skewed clocks still agree on who is live.
 * <p>
 * Works on a plain connection, so that code without a {@link InstanceRegistry} (a Liquibase
 * precondition, a console) can ask the same question.
 */
public final class InstanceRepository {

    private static final String TABLE = MigrationStateStore.INSTANCE_TABLE;
    private static final String COLUMNS = "instance_id, migration_id, phase, host, started_at, last_seen";

    /** Creates the instance's row for the migration, or renews it with the given phase. */
    public void register(Connection c, String instanceId, String migrationId, Phase phase, String host) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("update " + TABLE
                + " set phase = ?, host = ?, last_seen = current_timestamp where instance_id = ? and migration_id = ?")) {
            update.setString(1, phase.configName());
            update.setString(2, host);
            update.setString(3, instanceId);
            update.setString(4, migrationId);
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement insert = c.prepareStatement("insert into " + TABLE + " (" + COLUMNS
                + ") values (?, ?, ?, ?, current_timestamp, current_timestamp)")) {
            insert.setString(1, instanceId);
            insert.setString(2, migrationId);
            insert.setString(3, phase.configName());
            insert.setString(4, host);
            insert.executeUpdate();
        }
    }

    /** Renews every row of the instance; returns how many there were. */
    public int heartbeat(Connection c, String instanceId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update " + TABLE + " set last_seen = current_timestamp where instance_id = ?")) {
            ps.setString(1, instanceId);
            return ps.executeUpdate();
        }
    }

    /**
     * Removes the instance from the fleet (a clean shutdown). Where it ran expand or contract, the
     * migration's row records that it left now: the read-new and reverse gates need to know when the
     * last instance that did not write one of the columns was gone.
     */
    public void remove(Connection c, String instanceId) throws SQLException {
        MigrationStateStore state = new MigrationStateStore(false);
        try (PreparedStatement ps = c.prepareStatement("select migration_id, phase from " + TABLE + " where instance_id = ?")) {
            ps.setString(1, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    state.recordLeft(c, rs.getString(1), Phase.parse(rs.getString(2)), null);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("delete from " + TABLE + " where instance_id = ?")) {
            ps.setString(1, instanceId);
            ps.executeUpdate();
        }
    }

    /** Deletes the rows of instances not seen for longer than {@code age}: instances that died long ago. */
    public int purgeOlderThan(Connection c, Duration age) throws SQLException {
        // their last heartbeat is what the read-new and reverse gates would otherwise lose with the row
        MigrationStateStore state = new MigrationStateStore(false);
        try (PreparedStatement ps = c.prepareStatement("select migration_id, phase, max(last_seen) from " + TABLE
                + " where last_seen < " + cutoff(age) + " group by migration_id, phase")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    state.recordLeft(c, rs.getString(1), Phase.parse(rs.getString(2)), rs.getTimestamp(3));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("delete from " + TABLE + " where last_seen < " + cutoff(age))) {
            return ps.executeUpdate();
        }
    }

    /** The instances running the migration whose latest heartbeat is at most {@code timeout} old, oldest first. */
    public List<LiveInstance> live(Connection c, String migrationId, Duration timeout) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from " + TABLE
                + " where migration_id = ? and last_seen >= " + cutoff(timeout) + " order by started_at, instance_id")) {
            ps.setString(1, migrationId);
            return read(ps).getOrDefault(migrationId, List.of());
        }
    }

    /** The live instances of every migration that has any, by migration id. */
    public Map<String, List<LiveInstance>> live(Connection c, Duration timeout) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from " + TABLE
                + " where last_seen >= " + cutoff(timeout) + " order by migration_id, started_at, instance_id")) {
            return read(ps);
        }
    }

    private static Map<String, List<LiveInstance>> read(PreparedStatement ps) throws SQLException {
        Map<String, List<LiveInstance>> byMigration = new LinkedHashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                LiveInstance instance = new LiveInstance(rs.getString(1), rs.getString(2), Phase.parse(rs.getString(3)),
                        rs.getString(4), instant(rs.getTimestamp(5)), instant(rs.getTimestamp(6)));
                byMigration.computeIfAbsent(instance.migrationId(), id -> new ArrayList<>()).add(instance);
            }
        }
        return byMigration;
    }

    /** {@code current_timestamp} minus the duration, in SQL that PostgreSQL and H2 both accept. */
    private static String cutoff(Duration age) {
        long millis = Math.max(0, age.toMillis());
        return "current_timestamp - interval '" + (millis / 1000) + "." + String.format("%03d", millis % 1000) + "' second";
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
