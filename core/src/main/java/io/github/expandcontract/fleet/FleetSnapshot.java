package io.github.expandcontract.fleet;

import io.github.expandcontract.migration.Direction;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.state.MigrationState;
import io.github.expandcontract.state.MigrationStateStore;
import io.github.expandcontract.verify.VerificationRepository;
import io.github.expandcontract.verify.VerificationResult;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the rolling-deploy rules of one migration look at, read in one go from the state tables
 * (times on the database's clock).
 *
 * @param others              the live instances other than the one asking
 * @param state               the migration's row
 * @param verification        the latest forward verification
 * @param reverseVerification the latest reverse verification (new copied back to old)
 * @param expandGoneAt        when the last instance in expand stopped counting: the later of its clean
 *                            exit and, for one that died, its last heartbeat plus the timeout; null if none ran
 * @param contractGoneAt      the same for instances in contract
 */
public record FleetSnapshot(List<LiveInstance> others, MigrationState state, VerificationResult verification,
                            VerificationResult reverseVerification, Instant expandGoneAt, Instant contractGoneAt) {

    /**
     * Reads the snapshot; the migration's row must exist.
     *
     * @param self the asking instance, left out of {@link #others}; null to keep every live instance
     */
    public static FleetSnapshot read(Connection c, MigrationState state, String self, Duration timeout) throws SQLException {
        String id = state.migrationId();
        List<LiveInstance> others = new InstanceRepository().live(c, id, timeout).stream()
                .filter(i -> !i.instanceId().equals(self)).toList();
        VerificationRepository verifications = new VerificationRepository();
        return new FleetSnapshot(others, state, verifications.load(c, id), verifications.load(c, Direction.REVERSE.stateId(id)),
                later(state.expandLeftAt(), lastSeenPlus(c, id, Phase.EXPAND, self, timeout)),
                later(state.contractLeftAt(), lastSeenPlus(c, id, Phase.CONTRACT, self, timeout)));
    }

    /** The same, reading the migration's row too (no lock); empty values when no instance ever started it. */
    public static FleetSnapshot read(Connection c, String migrationId, String self, Duration timeout) throws SQLException {
        MigrationStateStore store = new MigrationStateStore(false);
        MigrationState state = store.load(c, migrationId).orElseGet(() -> new MigrationState(migrationId, Phase.EXPAND, null, null,
                null, null, null, Instant.now()));
        return read(c, state, self, timeout);
    }

    /** The latest heartbeat of any listed instance (dead ones included) in the phase, plus the timeout. */
    private static Instant lastSeenPlus(Connection c, String id, Phase phase, String self, Duration timeout) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select max(last_seen) from " + MigrationStateStore.INSTANCE_TABLE
                + " where migration_id = ? and phase = ? and instance_id <> ?")) {
            ps.setString(1, id);
            ps.setString(2, phase.configName());
            ps.setString(3, self == null ? "" : self);
            try (ResultSet rs = ps.executeQuery()) {
                Timestamp at = rs.next() ? rs.getTimestamp(1) : null;
                return at == null ? null : at.toInstant().plus(timeout);
            }
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    /** The live instances among {@link #others} that keep a copy in the direction from being trusted. */
    public List<LiveInstance> blocking(Direction direction) {
        return others.stream().filter(i -> direction.blockedBy(i.phase())).toList();
    }
}
