package io.github.expandcontract.backfill;

import io.github.expandcontract.DualWrite;
import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.convert.CentsToAmountConverter;
import io.github.expandcontract.convert.StringToEnumConverter;
import io.github.expandcontract.fleet.HeartbeatSettings;
import io.github.expandcontract.fleet.InstanceRegistry;
import io.github.expandcontract.fleet.RolloutSettings;
import io.github.expandcontract.migration.MigrationCatalog;
import io.github.expandcontract.observe.MigrationObserver;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.state.MigrationStateStore;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationRepository;
import io.github.expandcontract.verify.VerificationResult;
import io.github.expandcontract.verify.VerificationStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import static io.github.expandcontract.backfill.BackfillTestSupport.await;
import static io.github.expandcontract.backfill.BackfillTestSupport.awaitVerification;
import static io.github.expandcontract.backfill.BackfillTestSupport.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The backfill next to the fleet: it waits for instances in expand, a verification catches rows an
 * expand instance wrote after the copy passed them, and after contract the reverse backfill copies
 * new back to old, under concurrent writes, so that phases that read old are allowed again.
 */
class BackfillFleetIntegrationTests {

    static final String ID = "listing-title";
    static final int ROWS = 2_000;
    static final HeartbeatSettings FAST = new HeartbeatSettings(Duration.ofMillis(200), Duration.ofSeconds(1));

    @Entity(name = "Listing")
    @Table(name = "listings")
    public static class Listing {
        @Id Long id;
        @Column(name = "title") String title;
        @Column(name = "headline") @DualWrite(migration = ID, from = "title") String headline;
    }

    /** A type change through a Java converter: the reverse copy goes through {@code toOld}. */
    @Entity(name = "Bill")
    @Table(name = "bills")
    public static class Bill {
        static final String MIGRATION = "bill-amount";
        @Id Long id;
        @Column(name = "amount_cents") Long amountCents;
        @Column(name = "amount") @DualWrite(migration = MIGRATION, from = "amountCents", converter = CentsToAmountConverter.class)
        BigDecimal amount;
    }

    enum Level { LOW, MEDIUM, HIGH }

    /** A String -> enum change: the reverse copy reads the enum column with Hibernate's mapping, not plain JDBC. */
    @Entity(name = "Ticket")
    @Table(name = "tickets")
    public static class Ticket {
        static final String MIGRATION = "ticket-level";
        @Id Long id;
        @Column(name = "level_text") String levelText;
        @Enumerated(EnumType.STRING) @Column(name = "level")
        @DualWrite(migration = MIGRATION, from = "levelText", converter = StringToEnumConverter.class)
        Level level;
    }

    PostgresTestDatabase db;
    final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void setUp() {
        db = PostgresTestDatabase.forClass(BackfillFleetIntegrationTests.class);
        db.execute("create table listings (id bigint primary key, title varchar(100), headline varchar(100))",
                "insert into listings select g, 'title ' || g, null from generate_series(1, " + ROWS + ") g",
                "create table bills (id bigint primary key, amount_cents bigint, amount numeric(12, 2))",
                "insert into bills select g, g * 100 + 1, null from generate_series(1, " + ROWS + ") g",
                "create table tickets (id bigint primary key, level_text varchar(20), level varchar(20))",
                "insert into tickets select g, (array['LOW', 'MEDIUM', 'HIGH'])[g % 3 + 1], null from generate_series(1, " + ROWS + ") g");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        db.close();
    }

    private static ExpandContractSettings.Fleet fleet(String migration, String instanceId, RolloutSettings rollout) {
        return new ExpandContractSettings.Fleet(instanceId, FAST, Map.of(migration, rollout));
    }

    /** An instance (SessionFactory) in the phase with its own id; closed at the end of the test unless closed before. */
    private BackfillTestSupport.Started instance(String instanceId, Phase phase, RolloutSettings rollout) {
        return instance(ID, Listing.class, instanceId, phase, rollout);
    }

    private BackfillTestSupport.Started instance(String migration, Class<?> entity, String instanceId, Phase phase,
                                                 RolloutSettings rollout) {
        BackfillTestSupport.Started started = BackfillTestSupport.start(db,
                new ExpandContractSettings(Map.of(migration, phase)).withFleet(fleet(migration, instanceId, rollout)), entity);
        open.add(started);
        return started;
    }

    private BackfillCoordinator coordinator(MigrationCatalog catalog, String instanceId, RolloutSettings rollout) {
        return coordinator(ID, catalog, instanceId, rollout);
    }

    private BackfillCoordinator coordinator(String migration, MigrationCatalog catalog, String instanceId, RolloutSettings rollout) {
        BackfillCoordinator coordinator = new BackfillCoordinator(db.dataSource(), catalog,
                // yielding off: other builds' sessions on a shared test database would slow it down
                id -> BackfillSettings.DEFAULTS.withBatchSize(500).withLeaseDuration(Duration.ofSeconds(3))
                        .withTrafficYield(Duration.ofMillis(10), 1),
                fleet(migration, instanceId, rollout), MigrationObserver.NONE);
        open.add(coordinator);
        return coordinator;
    }

    /**
     * An instance without any other heartbeat (plain Hibernate, or a Spring context still starting) stays
     * live past the timeout: the SessionFactory keeps its fleet entry fresh, so the phase-distance rule
     * still sees it.
     */
    @Test
    void theSessionFactoryKeepsItsFleetEntryAliveSoAStarterTwoPhasesAwayIsRefused() throws Exception {
        instance("expand-1", Phase.EXPAND, RolloutSettings.DEFAULTS);
        Thread.sleep(FAST.timeout().toMillis() * 2);
        assertThatThrownBy(() -> instance("backfill-1", Phase.BACKFILL, RolloutSettings.DEFAULTS))
                .hasMessageContaining("phase backfill is more than one step away from phase expand");
    }

    @Test
    void waitsForTheExpandInstanceAndItsLateWritesFailTheVerification() throws Exception {
        MigrationCatalog backfillCatalog = BackfillTestSupport.catalog(db, ID, Phase.BACKFILL, Listing.class);
        BackfillTestSupport.Started expand = instance("expand-1", Phase.EXPAND, RolloutSettings.DEFAULTS);
        InstanceRegistry expandHeartbeat = new InstanceRegistry(db.dataSource(), expand.catalog(), "expand-1", FAST);
        expandHeartbeat.start();
        open.add(expandHeartbeat);

        BackfillCoordinator coordinator = coordinator(backfillCatalog, "backfill-1", RolloutSettings.DEFAULTS);
        coordinator.start();
        Thread.sleep(1_500); // longer than the heartbeat timeout: the expand instance stays live by its heartbeat
        assertThat(coordinator.progress(ID).status()).isEqualTo(BackfillStatus.NOT_STARTED);
        assertThat(count(db, "listings", "headline is not null")).isZero();

        expandHeartbeat.close(); // the expand instance leaves the fleet (its entry is gone) but still writes
        VerificationResult first = awaitVerification(coordinator, ID, Duration.ofSeconds(60));
        assertThat(first.status()).isEqualTo(VerificationStatus.PASSED);
        assertThat(coordinator.progress(ID).rowsCopied()).isEqualTo(ROWS);

        // rows written by the expand instance after the backfill passed them: old only
        for (long id : new long[] {7, 700, 1_400}) {
            expand.sessionFactory().inTransaction(s -> s.find(Listing.class, id).title = "late write " + id);
        }
        VerificationResult second = coordinator.verify(ID).get();
        assertThat(second.status()).isEqualTo(VerificationStatus.FAILED);
        assertThat(second.mismatches()).isEqualTo(3);
        assertThat(second.sampleMismatchIds()).containsExactlyInAnyOrder("7", "700", "1400");

        coordinator.restart(ID); // the operator re-runs
        await("re-run verified", () -> coordinator.progress(ID).status() == BackfillStatus.COMPLETED
                && coordinator.verification(ID).status() == VerificationStatus.PASSED, Duration.ofSeconds(60));
        assertThat(count(db, "listings", "headline is distinct from title")).isZero();
    }

    /** One migration's part in the reverse scenario: its entity, how each phase writes a row, and which rows disagree. */
    record ReverseCase(String migration, Class<?> entity, String table, String oldDiffersFromNew,
                       BiConsumer<Session, Long> contractWrite, BiConsumer<Session, Long> readNewWrite) {
    }

    @Test
    void reverseBackfillInSqlAfterContractCopiesNewBackToOldUnderConcurrentWrites() throws Exception {
        db.execute("update listings set headline = title");
        reverseAfterContract(new ReverseCase(ID, Listing.class, "listings", "headline is distinct from title",
                (s, id) -> s.find(Listing.class, id).headline = "contract " + id,
                (s, id) -> s.find(Listing.class, id).headline = "read-new " + System.nanoTime()));
    }

    @Test
    void reverseBackfillThroughTheConverterCopiesBackWithToOld() throws Exception {
        db.execute("update bills set amount = amount_cents / 100.0");
        reverseAfterContract(new ReverseCase(Bill.MIGRATION, Bill.class, "bills",
                "amount_cents is distinct from (amount * 100)::bigint",
                (s, id) -> s.find(Bill.class, id).amount = new BigDecimal("7.77").add(BigDecimal.valueOf(id)),
                (s, id) -> s.find(Bill.class, id).amount = BigDecimal.valueOf(ThreadLocalRandom.current().nextLong(100_000), 2)));
    }

    @Test
    void reverseBackfillOfAnEnumColumnReadsItAsTheEntityMapsIt() throws Exception {
        db.execute("update tickets set level = level_text");
        reverseAfterContract(new ReverseCase(Ticket.MIGRATION, Ticket.class, "tickets", "level_text is distinct from level",
                (s, id) -> {
                    Ticket ticket = s.find(Ticket.class, id);
                    ticket.level = Level.values()[(ticket.level.ordinal() + 1) % 3]; // always a different level
                },
                (s, id) -> s.find(Ticket.class, id).level = Level.values()[ThreadLocalRandom.current().nextInt(3)]));
    }

    /**
     * read-new, contract (whose writes leave old stale), then read-new with reverse-backfill next to the
     * contract instance: the reverse copy waits for it, runs under concurrent read-new writes once it left,
     * verifies, and dual-write may start again with the contract marker cleared.
     */
    private void reverseAfterContract(ReverseCase c) throws Exception {
        try (Connection connection = db.connect()) {
            new MigrationStateStore(true).ensureSchema(connection);
            new VerificationRepository().save(connection, new VerificationResult(c.migration(), VerificationStatus.PASSED, ROWS, 0,
                    List.of(), Instant.now(), Instant.now()));
        }
        RolloutSettings noBakeIn = RolloutSettings.DEFAULTS.withBakeIn(Duration.ZERO);
        BackfillTestSupport.Started readNew = instance(c.migration(), c.entity(), "read-new-1", Phase.READ_NEW, noBakeIn);
        BackfillTestSupport.Started contract = instance(c.migration(), c.entity(), "contract-1", Phase.CONTRACT, noBakeIn);
        readNew.close();
        // in contract, new is written alone: the old column goes stale
        for (long id = 1; id <= 100; id++) {
            long row = id;
            contract.sessionFactory().inTransaction(s -> c.contractWrite().accept(s, row));
        }
        assertThat(count(db, c.table(), c.oldDiffersFromNew())).isEqualTo(100);

        RolloutSettings reverse = noBakeIn.withReverseBackfill(true);
        BackfillTestSupport.Started back = instance(c.migration(), c.entity(), "reverse-1", Phase.READ_NEW, reverse);
        BackfillCoordinator coordinator = coordinator(c.migration(), back.catalog(), "reverse-1", reverse);
        coordinator.start();
        Thread.sleep(300);
        assertThat(coordinator.reverseProgress(c.migration()).status()).as("waits while the contract instance is live")
                .isEqualTo(BackfillStatus.NOT_STARTED);

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger writes = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            Thread writer = new Thread(() -> {
                while (writing.get()) {
                    long row = ThreadLocalRandom.current().nextLong(1, ROWS + 1);
                    try {
                        back.sessionFactory().inTransaction(s -> c.readNewWrite().accept(s, row));
                        writes.incrementAndGet();
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }
            });
            writer.start();
            writers.add(writer);
        }
        contract.close(); // the last contract instance leaves: the reverse copy starts
        await("reverse verification finished", () -> {
            VerificationStatus status = coordinator.reverseVerification(c.migration()).status();
            return status == VerificationStatus.PASSED || status == VerificationStatus.FAILED;
        }, Duration.ofSeconds(60));
        writing.set(false);
        for (Thread writer : writers) {
            writer.join(10_000);
        }
        assertThat(failures).isEmpty();
        assertThat(writes.get()).isPositive();
        assertThat(coordinator.reverseVerification(c.migration()).status()).isEqualTo(VerificationStatus.PASSED);
        assertThat(coordinator.reverseProgress(c.migration()).rowsProcessed()).isEqualTo(ROWS);
        assertThat(count(db, c.table(), c.oldDiffersFromNew())).isZero();

        // old-reading phases are allowed again (a rolling deploy: the read-new instance goes first, as
        // dual-write is two steps from it), and the contract marker is cleared
        open.remove(coordinator);
        coordinator.close();
        open.remove(back);
        back.close();
        instance(c.migration(), c.entity(), "dual-write-1", Phase.DUAL_WRITE, RolloutSettings.DEFAULTS);
        try (Connection connection = db.connect(); Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "select contract_reached_at, reversed_at from expand_contract_migration where migration_id = '" + c.migration() + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getTimestamp(1)).isNull();
            assertThat(rs.getTimestamp(2)).isNotNull();
        }
    }
}
