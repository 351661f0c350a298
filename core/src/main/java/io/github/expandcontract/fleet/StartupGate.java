package io.github.expandcontract.fleet;

import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.migration.Direction;
import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.migration.MigrationConfigurationException;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.state.MigrationState;
import io.github.expandcontract.state.MigrationStateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The rolling-deploy check of a starting instance, run when its SessionFactory starts (after the
 * schema checks). In one transaction it locks each migration's state row, checks the
 * {@link PhaseGate} rules against the live fleet and the history, registers this instance in the
 * fleet table and records the start. Two instances starting at once therefore check one after the
 * other, and the second sees the first: two conflicting phases cannot both start. A refusal rolls
 * everything back and fails the start with the rule's message, unless the migration has
 * {@code force-phase}: then the start goes ahead, logged at ERROR and recorded in
 * {@value MigrationStateStore#OVERRIDE_TABLE}.
 */
public final class StartupGate {

    private static final Logger log = LoggerFactory.getLogger(StartupGate.class);

    private final MigrationStateStore state;
    private final ExpandContractSettings.Fleet fleet;
    private final String host = InstanceRegistry.localHostName();
    private final InstanceRepository instances = new InstanceRepository();
    private final OverrideLog overrides = new OverrideLog();

    public StartupGate(MigrationStateStore state, ExpandContractSettings.Fleet fleet) {
        this.state = state;
        this.fleet = fleet;
    }

    /**
     * Checks, registers and records every migration; the state tables must exist. Leaves the
     * connection in auto-commit.
     *
     * @return the migrations this instance runs in read-new although they reached contract (a reverse
     *         backfill's way back): its loads must not fall back to the stale old column
     * @throws MigrationConfigurationException when a rule refuses a phase (nothing is recorded then)
     */
    public Set<String> run(Connection c, List<Migration> migrations) throws SQLException {
        Set<String> readNewPastContract = new HashSet<>();
        for (Migration m : migrations) {
            state.ensureRow(c, m.id(), m.phase());
        }
        // a migration may be declared by several persistence units; locked in id order, so two starters never deadlock
        Map<String, Migration> byId = migrations.stream().sorted(Comparator.comparing(Migration::id))
                .collect(Collectors.toMap(Migration::id, m -> m, (a, b) -> a, LinkedHashMap::new));
        c.setAutoCommit(false);
        try {
            for (Migration m : byId.values()) {
                MigrationState current = state.lock(c, m.id());
                boolean backFromContractForced = check(c, m, current);
                register(c, m, current, backFromContractForced);
                if (m.phase() == Phase.READ_NEW && current.contractReachedAt() != null) {
                    log.warn("expand-contract migration '{}': read-new after contract (reached {}): loads read the new column "
                            + "only, never the stale old one, until a reverse backfill has passed", m.id(), current.contractReachedAt());
                    readNewPastContract.add(m.id());
                }
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        return readNewPastContract;
    }

    /** @return whether force-phase overrode the back-from-contract rule (then the contract marker must stay) */
    private boolean check(Connection c, Migration m, MigrationState current) throws SQLException {
        RolloutSettings rollout = fleet.rolloutOf(m.id());
        FleetSnapshot snapshot = FleetSnapshot.read(c, current, fleet.instanceId(), fleet.heartbeat().timeout());
        List<PhaseGate.Refusal> refusals = PhaseGate.check(m, m.phase(), rollout, snapshot, fleet.heartbeat().timeout());
        if (refusals.isEmpty()) {
            log.info("expand-contract migration '{}': phase {} allowed next to the live fleet {}{}", m.id(), m.phase().configName(),
                    phases(snapshot.others()), rollout.forcePhase() ? " (force-phase is set but overrides nothing)" : "");
            if (rollout.forcePhase()) {
                overrides.record(c, m.id(), fleet.instanceId(), host, m.phase(), "nothing");
            }
            return false;
        }
        String problems = refusals.stream().map(PhaseGate.Refusal::problem).collect(Collectors.joining(" Also: "));
        if (!rollout.forcePhase()) {
            String fixes = refusals.stream().map(PhaseGate.Refusal::fix).distinct().collect(Collectors.joining(" And: "));
            log.warn("expand-contract migration '{}': phase {} refused: {}", m.id(), m.phase().configName(), problems);
            throw new MigrationConfigurationException(m.id(), m.entity(), m.newProperty(), problems, fixes);
        }
        String overridden = refusals.stream().map(r -> r.rule().label() + ": " + r.problem()).collect(Collectors.joining(" | "));
        log.error("expand-contract migration '{}': FORCE-PHASE: instance {} on {} (user {}) starts in phase {} although the "
                        + "rolling-deploy rules refuse it; overridden: {}. Recorded in {}.", m.id(), fleet.instanceId(), host,
                System.getProperty("user.name"), m.phase().configName(), overridden, MigrationStateStore.OVERRIDE_TABLE);
        overrides.record(c, m.id(), fleet.instanceId(), host, m.phase(), overridden);
        return refusals.stream().anyMatch(r -> r.rule() == PhaseGate.Rule.BACK_FROM_CONTRACT);
    }

    private void register(Connection c, Migration m, MigrationState current, boolean backFromContractForced) throws SQLException {
        instances.register(c, fleet.instanceId(), m.id(), m.phase(), host);
        if (m.phase() == Phase.CONTRACT && current.contractReachedAt() == null) {
            // a fresh point of no return: an earlier reverse backfill says nothing about the data written from now on
            forgetReverse(c, m.id());
        }
        if (backFromContractForced) {
            // an emergency start says nothing about the data: every other instance still meets the rule
            log.error("expand-contract migration '{}': phase {} after contract only by force-phase; the contract marker "
                    + "(reached {}) stays, so no other instance may follow without a reverse backfill", m.id(),
                    m.phase().configName(), current.contractReachedAt());
        } else if (current.contractReachedAt() != null && !m.phase().readsNew()) {
            log.warn("expand-contract migration '{}': phase {} after contract, allowed by a passed reverse backfill; the "
                    + "contract marker (reached {}) is cleared", m.id(), m.phase().configName(), current.contractReachedAt());
        }
        state.recordStart(c, m.id(), m.phase(), !backFromContractForced);
    }

    private static void forgetReverse(Connection c, String id) throws SQLException {
        for (String table : new String[] {MigrationStateStore.BACKFILL_TABLE, MigrationStateStore.VERIFICATION_TABLE}) {
            try (PreparedStatement ps = c.prepareStatement("delete from " + table + " where migration_id = ?")) {
                ps.setString(1, Direction.REVERSE.stateId(id));
                ps.executeUpdate();
            }
        }
    }

    /** e.g. {@code {a1=expand, b2=dual-write}}. */
    static String phases(List<LiveInstance> live) {
        return live.stream().collect(Collectors.toMap(LiveInstance::instanceId, i -> i.phase().configName(), (a, b) -> a,
                LinkedHashMap::new)).toString();
    }

    /** Removes this instance's registrations again (its SessionFactory closed), recording when it left. */
    public void leave(Connection c) throws SQLException {
        instances.remove(c, fleet.instanceId());
    }
}
