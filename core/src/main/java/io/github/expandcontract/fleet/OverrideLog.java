package io.github.expandcontract.fleet;

import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.state.MigrationStateStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The starts with {@code force-phase}, in {@value MigrationStateStore#OVERRIDE_TABLE}: who, when, which phase, what was overridden. */
public final class OverrideLog {

    private static final String TABLE = MigrationStateStore.OVERRIDE_TABLE;

    /**
     * One forced start (database clock).
     *
     * @param osUser     the operating-system user the instance ran as
     * @param overridden the rules it overrode, with their messages; "nothing" when none refused it
     */
    public record Override(String migrationId, String instanceId, String host, String osUser, Phase phase, String overridden,
                           Instant at) {
    }

    public void record(Connection c, String migrationId, String instanceId, String host, Phase phase, String overridden)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into " + TABLE
                + " (migration_id, instance_id, host, os_user, phase, overridden, at) values (?, ?, ?, ?, ?, ?, current_timestamp)")) {
            ps.setString(1, migrationId);
            ps.setString(2, instanceId);
            ps.setString(3, host);
            ps.setString(4, String.valueOf(System.getProperty("user.name", "unknown")));
            ps.setString(5, phase.configName());
            ps.setString(6, overridden.length() > 4000 ? overridden.substring(0, 3997) + "..." : overridden);
            ps.executeUpdate();
        }
    }

    /** The latest overrides of the migration, newest first. */
    public List<Override> recent(Connection c, String migrationId, int limit) throws SQLException {
        List<Override> overrides = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select migration_id, instance_id, host, os_user, phase, overridden, at from "
                + TABLE + " where migration_id = ? order by at desc")) {
            ps.setString(1, migrationId);
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    overrides.add(new Override(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            Phase.parse(rs.getString(5)), rs.getString(6), rs.getTimestamp(7).toInstant()));
                }
            }
        }
        return overrides;
    }
}
