package io.github.expandcontract.hibernate;

import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.fleet.HeartbeatSettings;
import io.github.expandcontract.fleet.RolloutSettings;
import io.github.expandcontract.fleet.StartupGate;
import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.migration.MigrationConfigurationException;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.state.MigrationStateStore;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rolling-deploy rules a starting instance checks against the live fleet and the state tables,
 * on real PostgreSQL: each SessionFactory is one instance (its own id), registered while it is open.
 */
class RollingDeployRulesIntegrationTests {

    static final String ID = "customer-email";
    PostgresTestDatabase db;
    final List<SessionFactory> open = new ArrayList<>();

    @BeforeEach
    void setUp() {
        db = PostgresTestDatabase.forClass(RollingDeployRulesIntegrationTests.class);
        db.execute(Customer.DDL.split(";"));
    }

    @AfterEach
    void tearDown() {
        open.forEach(SessionFactory::close);
        db.close();
    }

    private SessionFactory start(Phase phase) {
        return start(phase, RolloutSettings.DEFAULTS);
    }

    /** Starts an instance (kept open until {@link #stop} or the end of the test). */
    private SessionFactory start(Phase phase, RolloutSettings rollout) {
        SessionFactory sf = TestSessionFactories.build(db, new ExpandContractIntegrator(
                TestSessionFactories.withRollout(Map.of(ID, phase), Map.of(ID, rollout))), Map.of(), Customer.class);
        open.add(sf);
        return sf;
    }

    /** A clean shutdown: the instance leaves the fleet at once. */
    private void stop(SessionFactory sf) {
        open.remove(sf);
        sf.close();
    }

    private void verifiedNow() {
        TestSessionFactories.markVerified(db, ID);
    }

    @Test
    void phasesMoreThanOneStepApartAreRefusedWithBothPhasesAndTheInstance() {
        SessionFactory expand = start(Phase.EXPAND);
        assertThatThrownBy(() -> start(Phase.BACKFILL)).isInstanceOf(MigrationConfigurationException.class)
                .hasMessageContaining("'" + ID + "'").hasMessageContaining("Customer").hasMessageContaining("emailAddress")
                .hasMessageContaining("phase backfill is more than one step away from phase expand of live instance(s)")
                .hasMessageContaining("(phase expand, host ")
                .hasMessageContaining("deploy the phase(s) in between (dual-write) to every instance first");
        assertThat(live()).as("a refused start registers nothing").containsExactly("expand");

        SessionFactory dualWrite = start(Phase.DUAL_WRITE); // adjacent: a rolling deploy runs both
        assertThat(live()).containsExactlyInAnyOrder("expand", "dual-write");
        stop(expand);
        start(Phase.BACKFILL); // next to dual-write only
        assertThat(live()).containsExactlyInAnyOrder("dual-write", "backfill");
        assertThatThrownBy(() -> start(Phase.EXPAND)).hasMessageContaining("phase expand is more than one step away from phase backfill");
        stop(dualWrite);
    }

    @Test
    void aDeadInstanceCountsUntilItsHeartbeatTimesOut() {
        // an instance in expand that died 5 s ago: live for the default 30 s timeout, gone for a 2 s one
        stop(start(Phase.EXPAND)); // creates the state tables
        db.execute("insert into expand_contract_instance (instance_id, migration_id, phase, host, started_at, last_seen) values "
                + "('dead-1', '" + ID + "', 'expand', 'gone-host', current_timestamp - interval '1' hour, "
                + "current_timestamp - interval '5' second)");
        assertThatThrownBy(() -> start(Phase.BACKFILL)).hasMessageContaining("dead-1 (phase expand, host gone-host")
                .hasMessageContaining("leaves the fleet 30s after its last heartbeat");
        SessionFactory sf = TestSessionFactories.build(db, new ExpandContractIntegrator(new ExpandContractSettings(Map.of(ID, Phase.BACKFILL))
                .withFleet(new ExpandContractSettings.Fleet("short-timeout", new HeartbeatSettings(Duration.ofMillis(500),
                        Duration.ofSeconds(2)), Map.of()))), Map.of(), Customer.class);
        open.add(sf);
    }

    @Test
    void twoConflictingInstancesStartingAtOnceNeverBothPass() throws Exception {
        Migration migration = catalogMigration();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                db.execute("delete from expand_contract_instance");
                CyclicBarrier barrier = new CyclicBarrier(2);
                Future<Boolean> expand = pool.submit(() -> startGate(barrier, withPhase(migration, Phase.EXPAND), "e" + System.nanoTime()));
                Future<Boolean> backfill = pool.submit(() -> startGate(barrier, withPhase(migration, Phase.BACKFILL), "b" + System.nanoTime()));
                assertThat(expand.get() && backfill.get()).as("round " + round + ": expand and backfill both started").isFalse();
                assertThat(expand.get() || backfill.get()).as("round " + round + ": one of them starts").isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private Migration catalogMigration() {
        ExpandContractIntegrator integrator = new ExpandContractIntegrator(new ExpandContractSettings(Map.of(ID, Phase.DUAL_WRITE)));
        TestSessionFactories.build(db, integrator, Map.of(), Customer.class).close();
        return integrator.catalog().find(ID).orElseThrow();
    }

    private static Migration withPhase(Migration m, Phase phase) {
        return new Migration(m.id(), phase, m.entityNames(), m.entity(), m.oldProperty(), m.newProperty(), m.table(), m.oldColumn(),
                m.newColumn(), m.converter(), m.backfillSql(), m.idColumn(), m.idType(), m.oldType(), m.newType());
    }

    /** The startup gate of one instance on its own connection, released together with a rival's. */
    private boolean startGate(CyclicBarrier barrier, Migration migration, String instanceId) throws Exception {
        StartupGate gate = new StartupGate(new MigrationStateStore(true), new ExpandContractSettings.Fleet(instanceId,
                HeartbeatSettings.DEFAULTS, Map.of()));
        try (Connection c = db.connect()) {
            c.setAutoCommit(true);
            barrier.await();
            gate.run(c, List.of(migration));
            return true;
        } catch (MigrationConfigurationException e) {
            assertThat(e).hasMessageContaining("is more than one step away");
            return false;
        }
    }

    @Test
    void readNewNeedsAVerificationThatStartedAfterTheLastExpandInstanceLeft() {
        verifiedNow();
        stop(start(Phase.EXPAND)); // an instance in expand ran after that verification, and left
        start(Phase.BACKFILL);
        assertThatThrownBy(() -> start(Phase.READ_NEW)).isInstanceOf(MigrationConfigurationException.class)
                .hasMessageContaining("phase read-new reads the new column email_address, but its passed verification started at")
                .hasMessageContaining("before the last instance in expand left the fleet")
                .hasMessageContaining("verify again now that no instance runs expand");
        verifiedNow();
        start(Phase.READ_NEW);
    }

    @Test
    void contractNeedsTheWholeFleetAtReadNewAndTheBakeIn() throws Exception {
        verifiedNow();
        SessionFactory backfill = start(Phase.BACKFILL);
        SessionFactory readNew = start(Phase.READ_NEW, RolloutSettings.DEFAULTS.withBakeIn(Duration.ZERO));
        assertThatThrownBy(() -> start(Phase.CONTRACT, RolloutSettings.DEFAULTS.withBakeIn(Duration.ZERO)))
                .hasMessageContaining("phase contract is more than one step away from phase backfill")
                .hasMessageContaining("phase contract stops writing the old column email, which live instances still read");
        stop(backfill);
        start(Phase.READ_NEW); // the rest of the fleet moves to read-new
        assertThatThrownBy(() -> start(Phase.CONTRACT, RolloutSettings.DEFAULTS.withBakeIn(Duration.ofHours(2))))
                .hasMessageContaining("has run in read-new for").hasMessageContaining("of its bake-in of 2h: ").hasMessageContaining(" left.")
                .hasMessageContaining("expand-contract.migrations.customer-email.bake-in");
        Thread.sleep(250); // past a 200 ms bake-in, whenever read-new was reached
        start(Phase.CONTRACT, RolloutSettings.DEFAULTS.withBakeIn(Duration.ofMillis(200)));
        assertThat(contractReached()).isTrue();
        stop(readNew);
    }

    @Test
    void contractWithoutAnyReadNewIsRefused() {
        assertThatThrownBy(() -> start(Phase.CONTRACT, RolloutSettings.DEFAULTS.withBakeIn(Duration.ZERO)))
                .hasMessageContaining("phase contract needs the migration to have run in read-new for the bake-in (0s)");
    }

    @Test
    void forcePhaseStartsAnywayAndIsRecordedWithWhoAndWhat() throws Exception {
        start(Phase.EXPAND);
        start(Phase.READ_NEW, RolloutSettings.DEFAULTS.withForcePhase(true));
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select instance_id, host, os_user, phase, overridden, at from expand_contract_override")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isNotBlank();
            assertThat(rs.getString(2)).isNotBlank();
            assertThat(rs.getString(3)).isEqualTo(System.getProperty("user.name"));
            assertThat(rs.getString(4)).isEqualTo("read-new");
            assertThat(rs.getString(5)).contains("phase-distance: phase read-new is more than one step away from phase expand")
                    .contains("read-new-verified: phase read-new reads the new column email_address, but no verification has run");
            assertThat(rs.getTimestamp(6)).isNotNull();
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void leavingContractNeedsReadNewWithReverseBackfillFirst() {
        verifiedNow();
        start(Phase.READ_NEW);
        SessionFactory contract = start(Phase.CONTRACT, RolloutSettings.DEFAULTS.withBakeIn(Duration.ZERO));
        assertThatThrownBy(() -> start(Phase.READ_NEW)).hasMessageContaining("Going back from contract is refused")
                .hasMessageContaining("reverse-backfill=true");
        start(Phase.READ_NEW, RolloutSettings.DEFAULTS.withReverseBackfill(true));
        stop(contract);
        assertThatThrownBy(() -> start(Phase.BACKFILL)).hasMessageContaining("Going back from contract is refused: no reverse "
                + "backfill has passed its verification (reverse verification: NOT_RUN)");
    }

    /** An emergency start past contract is one instance's override: the marker stays, the next unforced start is refused. */
    @Test
    void aForcedStartAfterContractLeavesThePointOfNoReturnInPlace() throws Exception {
        verifiedNow();
        start(Phase.READ_NEW);
        SessionFactory contract = start(Phase.CONTRACT, RolloutSettings.DEFAULTS.withBakeIn(Duration.ZERO));
        stop(contract);
        SessionFactory forced = start(Phase.READ_NEW, RolloutSettings.DEFAULTS.withForcePhase(true));
        stop(forced);
        start(Phase.BACKFILL, RolloutSettings.DEFAULTS.withForcePhase(true));
        assertThat(contractReached()).as("the contract marker after two forced starts").isTrue();
        assertThatThrownBy(() -> start(Phase.BACKFILL)).hasMessageContaining("Going back from contract is refused");
    }

    /**
     * On the way back from contract, read-new runs while the old column is still stale: a value cleared
     * in contract must read as cleared, not as the old column's pre-contract value.
     */
    @Test
    void readNewAfterContractDoesNotFallBackToTheStaleOldColumn() {
        verifiedNow();
        SessionFactory readNew = start(Phase.READ_NEW);
        Long id = readNew.fromTransaction(s -> {
            Customer customer = new Customer("Ada");
            customer.email = "ada@example.org";
            s.persist(customer);
            return customer.id;
        });
        stop(readNew);
        SessionFactory contract = start(Phase.CONTRACT, RolloutSettings.DEFAULTS.withBakeIn(Duration.ZERO));
        contract.inTransaction(s -> s.find(Customer.class, id).emailAddress = null); // cleared; email keeps its old value
        SessionFactory back = start(Phase.READ_NEW, RolloutSettings.DEFAULTS.withReverseBackfill(true));
        Customer loaded = back.fromTransaction(s -> s.find(Customer.class, id));
        assertThat(loaded.emailAddress).as("the new column, cleared in contract").isNull();
        assertThat(loaded.email).isNull();
        stop(contract);
    }

    private List<String> live() {
        List<String> phases = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select phase from expand_contract_instance where migration_id = '" + ID + "'")) {
            while (rs.next()) {
                phases.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return phases;
    }

    private boolean contractReached() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select contract_reached_at from expand_contract_migration where migration_id = '" + ID + "'")) {
            return rs.next() && rs.getTimestamp(1) != null;
        }
    }
}
