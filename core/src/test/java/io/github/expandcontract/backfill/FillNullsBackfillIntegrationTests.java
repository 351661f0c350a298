package io.github.expandcontract.backfill;

import io.github.expandcontract.FillNulls;
import io.github.expandcontract.migration.MigrationCatalog;
import io.github.expandcontract.migration.MigrationConfigurationException;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationResult;
import io.github.expandcontract.verify.VerificationStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.SessionFactory;
import org.hibernate.StaleStateException;
import org.hibernate.annotations.DynamicUpdate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.github.expandcontract.backfill.BackfillChildProcess.read;
import static io.github.expandcontract.backfill.BackfillTestSupport.await;
import static io.github.expandcontract.backfill.BackfillTestSupport.awaitVerification;
import static io.github.expandcontract.backfill.BackfillTestSupport.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The backfill of a {@code @FillNulls} migration: keyset batches of {@code UPDATE .. SET status = ?
 * WHERE <window> AND status IS NULL} while the application writes, and a verification that counts
 * the NULLs left. (A runner killed mid-run: {@link BackfillCrashIntegrationTests}.)
 */
class FillNullsBackfillIntegrationTests {

    static final String MIGRATION = "shipment-status";
    static final int ROWS = 10_000;

    enum Status { NEW, PACKED, SENT }

    @Entity(name = "Shipment")
    @Table(name = "shipments")
    @DynamicUpdate
    public static class Shipment {
        @Id Long id;
        @Enumerated(EnumType.STRING) @Column(name = "status")
        @FillNulls(migration = MIGRATION, value = "NEW") Status status;
        @Version int version;
    }

    /** Small adaptive batches, capped at 12,000 rows/s: the writers hit the table before, inside and after many windows. */
    static final BackfillSettings SETTINGS = new BackfillSettings(200, 100, 500, Duration.ofMillis(50), 12_000,
            Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMillis(10), 0.5);

    PostgresTestDatabase db;

    @BeforeEach
    void setUp() {
        db = PostgresTestDatabase.forClass(FillNullsBackfillIntegrationTests.class);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private MigrationCatalog start(Phase phase) {
        return BackfillTestSupport.catalog(db, MIGRATION, phase, Shipment.class);
    }

    record Committed(int version, String value) {
    }

    /**
     * Two in three rows start NULL. Four writers keep setting values, setting NULL and inserting
     * rows without a status through JPA for the whole backfill, half of them just ahead of its
     * checkpoint. Afterwards no row is NULL, every row holds its last committed value (a value a
     * writer set is never overwritten by the backfill), and the verification passes. A NULL slipped
     * in with plain SQL fails the verification and read-new until the backfill is run again.
     */
    @Test
    void fillsEveryNullUnderConcurrentWritesThenVerificationCountsTheNullsLeft() throws Exception {
        db.execute("create table shipments (id bigint primary key, status varchar(20), version int not null)",
                "insert into shipments select g, case when g % 3 = 0 then 'PACKED' end, 0 from generate_series(1, " + ROWS + ") g",
                "analyze shipments");
        Map<Long, Committed> oracle = new ConcurrentHashMap<>();
        AtomicInteger commitsDuringBackfill = new AtomicInteger();
        AtomicInteger inserts = new AtomicInteger();
        AtomicLong nextId = new AtomicLong(ROWS);
        AtomicLong frontier = new AtomicLong();
        AtomicInteger phase = new AtomicInteger(); // 0 before, 1 while the backfill runs, 2 after
        try (BackfillTestSupport.Started app = BackfillTestSupport.start(db, MIGRATION, Phase.BACKFILL, Shipment.class);
             BackfillCoordinator coordinator = new BackfillCoordinator(db.dataSource(), app.catalog(), id -> SETTINGS, "test-instance")) {
            SessionFactory sf = app.sessionFactory();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    writers.add(pool.submit(() -> {
                        while (phase.get() < 2) {
                            ThreadLocalRandom random = ThreadLocalRandom.current();
                            // 0 insert without status (at most 500, so the table does not outgrow the backfill), 1 set NULL, 2 set a value
                            int action = inserts.get() < 500 ? random.nextInt(3) : 1 + random.nextInt(2);
                            long id = action == 0 ? nextId.incrementAndGet()
                                    : random.nextBoolean() ? 1 + random.nextInt(ROWS) : Math.min(ROWS, frontier.get() + 1 + random.nextInt(600));
                            Status value = random.nextBoolean() ? Status.PACKED : Status.SENT;
                            while (true) {
                                try {
                                    Committed committed = sf.fromTransaction(session -> {
                                        Shipment shipment = action == 0 ? new Shipment() : session.find(Shipment.class, id);
                                        int before = shipment.version;
                                        if (action == 0) {
                                            shipment.id = id;
                                            session.persist(shipment);
                                        } else {
                                            shipment.status = action == 1 ? null : value;
                                        }
                                        session.flush();
                                        // a NULL set to NULL writes nothing
                                        return action == 0 || shipment.version != before
                                                ? new Committed(shipment.version, String.valueOf(shipment.status)) : null;
                                    });
                                    if (committed != null) {
                                        oracle.merge(id, committed, (a, b) -> a.version() >= b.version() ? a : b);
                                        if (phase.get() == 1) {
                                            commitsDuringBackfill.incrementAndGet();
                                        }
                                        if (action == 0) {
                                            inserts.incrementAndGet();
                                        }
                                    }
                                    break;
                                } catch (OptimisticLockException | StaleStateException e) {
                                    // a concurrent writer won: try again on the new version
                                }
                            }
                        }
                        return null;
                    }));
                }
                await("writers committing", () -> oracle.size() >= 50, Duration.ofSeconds(30));
                phase.set(1);
                coordinator.start();
                BackfillTestSupport.awaitCompleted(coordinator, MIGRATION, frontier, Duration.ofSeconds(120));
                phase.set(2);
                for (Future<?> writer : writers) {
                    writer.get(1, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
            VerificationResult verification = awaitVerification(coordinator, MIGRATION, Duration.ofSeconds(60));
            BackfillProgress progress = coordinator.progress(MIGRATION);
            assertThat(commitsDuringBackfill.get()).as("application commits while the backfill ran").isGreaterThan(100);
            assertThat(progress.rowsCopied()).as("rows filled").isPositive().isLessThan(ROWS * 2L / 3 + 1);
            assertThat(verification.status()).isEqualTo(VerificationStatus.PASSED);
            // verified again now that nobody writes any more: every row, the inserted ones too
            VerificationResult quiet = coordinator.verify(MIGRATION).get(60, TimeUnit.SECONDS);
            assertThat(quiet.status()).isEqualTo(VerificationStatus.PASSED);
            assertThat(quiet.rowsChecked()).isEqualTo(ROWS + inserts.get());
            assertThat(count(db, "shipments", "status is null")).isZero();

            try (Connection c = db.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select id, status, version from shipments order by id")) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    Committed last = oracle.get(id);
                    String expected = last != null ? last.value() : id % 3 == 0 ? "PACKED" : "NEW";
                    if (!expected.equals(rs.getString(2)) || last != null && last.version() != rs.getInt(3)) {
                        throw new AssertionError("row " + id + ": status=" + rs.getString(2) + ", version=" + rs.getInt(3)
                                + ", but the last committed write was " + last);
                    }
                }
            }

            // a NULL written behind the library's back: the verification counts it, read-new is refused
            db.execute("update shipments set status = null where id = 4242");
            VerificationResult failed = coordinator.verify(MIGRATION).get(60, TimeUnit.SECONDS);
            assertThat(failed.status()).isEqualTo(VerificationStatus.FAILED);
            assertThat(failed.mismatches()).isEqualTo(1);
            assertThat(failed.sampleMismatchIds()).containsExactly("4242");
            assertThatThrownBy(() -> start(Phase.READ_NEW)).isInstanceOf(MigrationConfigurationException.class)
                    .hasMessageContaining("its last verification FAILED with 1 mismatches (e.g. ids [4242])");

            coordinator.restart(MIGRATION);
            await("re-run COMPLETED and verified", () -> coordinator.progress(MIGRATION).status() == BackfillStatus.COMPLETED
                    && coordinator.verification(MIGRATION).status() == VerificationStatus.PASSED, Duration.ofSeconds(60));
            assertThat(coordinator.progress(MIGRATION).rowsCopied()).as("only the slipped NULL was filled").isEqualTo(1);
            assertThat(BackfillCrashSupport.queryString(db, "select status from shipments where id = 4242")).isEqualTo("NEW");
        }
        start(Phase.READ_NEW);
    }


    /** A @FillNulls column is still written in contract: an operator may verify (and restart) there, but not in expand. */
    @Test
    void operationsWorkInContractAndAreRefusedInExpand() throws Exception {
        db.execute("create table shipments (id bigint primary key, status varchar(20), version int not null)",
                "insert into shipments select g, 'PACKED', 0 from generate_series(1, 500) g",
                "insert into shipments values (501, null, 0)");
        try (BackfillCoordinator expand = new BackfillCoordinator(db.dataSource(), BackfillTestSupport.forcedCatalog(db, MIGRATION,
                Phase.EXPAND, Shipment.class), id -> SETTINGS, "test-expand")) {
            assertThatThrownBy(() -> expand.verify(MIGRATION)).isInstanceOf(OperationRefusedException.class)
                    .hasMessageContaining("phase expand");
        }
        try (BackfillCoordinator contract = new BackfillCoordinator(db.dataSource(), BackfillTestSupport.forcedCatalog(db, MIGRATION,
                Phase.CONTRACT, Shipment.class), id -> SETTINGS, "test-contract")) {
            contract.verify(MIGRATION);
            VerificationResult result = awaitVerification(contract, MIGRATION, Duration.ofSeconds(30));
            assertThat(result.status()).isEqualTo(VerificationStatus.FAILED);
            assertThat(result.mismatches()).as("the one NULL left").isEqualTo(1);
            assertThat(result.sampleMismatchIds()).containsExactly("501");
        }
    }
}
