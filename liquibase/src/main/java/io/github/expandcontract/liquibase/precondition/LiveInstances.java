package io.github.expandcontract.liquibase.precondition;

import io.github.expandcontract.state.MigrationStateStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The instances that reported a heartbeat for a migration recently enough to count as live, read
 * from {@value #TABLE} ({@code instance_id, migration_id, phase, host, started_at, last_seen}).
 * "Recently enough" is measured against the database's clock, which every instance shares.
 * <p>
 * The table is the core {@code fleet} package's heartbeat: one row per instance and migration,
 * removed on clean shutdown. Read here directly (not through {@code InstanceRepository}) so that a
 * phase this version does not know still counts, as writing.
 */
final class LiveInstances {

    static final String TABLE = MigrationStateStore.INSTANCE_TABLE;

    record Instance(String instanceId, String phase, String host, Instant lastSeen) {
    }

    List<Instance> find(Connection connection, String migrationId, Duration heartbeatTimeout) throws SQLException {
        List<Instance> live = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("select instance_id, phase, host, last_seen, current_timestamp from "
                + TABLE + " where migration_id = ? order by instance_id")) {
            ps.setString(1, migrationId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp lastSeen = rs.getTimestamp(4);
                    Instant now = rs.getTimestamp(5).toInstant();
                    if (lastSeen != null && !lastSeen.toInstant().isBefore(now.minus(heartbeatTimeout))) {
                        live.add(new Instance(rs.getString(1), rs.getString(2), rs.getString(3), lastSeen.toInstant()));
                    }
                }
            }
        }
        return live;
    }
}
