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

import java.nio.file.Path;
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

import static io.github.expandcontract.backfill.BackfillChildProcess.FILLED;
import static io.github.expandcontract.backfill.BackfillChildProcess.TABLE;
import static io.github.expandcontract.backfill.BackfillChildProcess.describe;
import static io.github.expandcontract.backfill.BackfillChildProcess.logFile;
import static io.github.expandcontract.backfill.BackfillChildProcess.read;
import static io.github.expandcontract.backfill.BackfillCrashSupport.AUDIT;
import static io.github.expandcontract.backfill.BackfillCrashSupport.backendsOf;
import static io.github.expandcontract.backfill.BackfillCrashSupport.queryLong;
import static io.github.expandcontract.backfill.BackfillCrashSupport.rowsProcessed;
import static io.github.expandcontract.backfill.BackfillCrashSupport.rowsWrittenBy;
import static io.github.expandcontract.backfill.BackfillCrashSupport.rowsWrittenMoreThanOnce;
import static io.github.expandcontract.backfill.BackfillCrashSupport.state;
import static io.github.expandcontract.backfill.BackfillCrashSupport.verificationStatus;
import static io.github.expandcontract.backfill.BackfillTestSupport.await;
import static io.github.expandcontract.backfill.BackfillTestSupport.awaitVerification;
import static io.github.expandcontract.backfill.BackfillTestSupport.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The backfill of a {@code @FillNulls} migration: keyset batches of {@code UPDATE .. SET status = ?
 * WHERE <window> AND status IS NULL} while the application writes, a verification that counts the
 * NULLs left, and a runner killed mid-run whose successor resumes from the checkpoint.
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
    final List<Process> children = new ArrayList<>();

    @BeforeEach
    void setUp() {
        db = PostgresTestDatabase.forClass(FillNullsBackfillIntegrationTests.class);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (Process child : children) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
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
                await("backfill COMPLETED", () -> {
                    BackfillProgress p = coordinator.progress(MIGRATION);
                    assertThat(p.status()).as("backfill status (last error: %s)", p.lastError()).isNotEqualTo(BackfillStatus.FAILED);
                    if (p.lastKey() != null) {
                        frontier.set(Long.parseLong(p.lastKey()));
                    }
                    return p.status() == BackfillStatus.COMPLETED;
                }, Duration.ofSeconds(120));
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

    /**
     * The runner is killed with SIGKILL mid-run; a second instance takes over after the lease
     * expires, resumes after the committed checkpoint, and every NULL is filled exactly once: a
     * window redone after the kill finds its committed rows no longer NULL.
     */
    @Test
    void aRunnerKilledMidRunIsReplacedAndTheSuccessorFillsTheRestExactlyOnce() throws Exception {
        int rows = 30_000;
        BackfillCrashSupport.seed(db, rows);
        Path log1 = logFile("fill-nulls-child-1");
        Process child1 = launch("fill-child-1", 10_000, log1);
        BackfillCrashSupport.await(() -> {
            assertThat(child1.isAlive()).as("child 1 still running: %s", describe(child1, log1)).isTrue();
            return rowsProcessed(db) >= rows / 5;
        }, Duration.ofSeconds(90), () -> "child 1 never reached 20%: " + describe(child1, log1));
        child1.destroyForcibly();
        assertThat(child1.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(child1.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
        BackfillCrashSupport.await(() -> backendsOf(db, "fill-child-1") == 0, Duration.ofSeconds(15),
                () -> "sessions of the killed child remain");
        BackfillCrashSupport.StateRow checkpoint = state(db);
        assertThat(checkpoint.status()).isEqualTo("RUNNING");
        assertThat(checkpoint.rowsProcessed()).isLessThan(rows);
        assertThat(rowsWrittenBy(db, "fill-child-1")).as("rows child 1 filled in committed transactions")
                .isEqualTo(checkpoint.rowsProcessed());
        assertThat(queryLong(db, "select count(*) from " + TABLE + " where label_copy is null"))
                .isEqualTo(rows - checkpoint.rowsProcessed());

        Path log2 = logFile("fill-nulls-child-2");
        Process child2 = launch("fill-child-2", 0, log2);
        assertThat(child2.waitFor(120, TimeUnit.SECONDS)).as("child 2 finished: %s", describe(child2, log2)).isTrue();
        assertThat(child2.exitValue()).as(describe(child2, log2)).isZero();
        assertThat(read(log2)).contains("backfill resumed after key " + checkpoint.lastKey() + " (");

        assertThat(state(db).status()).isEqualTo("COMPLETED");
        assertThat(state(db).rowsProcessed()).isEqualTo(rows);
        assertThat(state(db).rowsCopied()).isEqualTo(rows);
        assertThat(verificationStatus(db)).isEqualTo("PASSED checked=" + rows + " mismatches=0");
        assertThat(queryLong(db, "select count(*) from " + TABLE + " where label_copy is distinct from '" + FILLED + "'")).isZero();
        assertThat(queryLong(db, "select count(distinct id) from " + AUDIT)).isEqualTo(rows);
        assertThat(rowsWrittenMoreThanOnce(db)).as("no row filled twice").isZero();
        assertThat(rowsWrittenBy(db, "fill-child-2")).isEqualTo(rows - checkpoint.rowsProcessed());
    }

    private Process launch(String instanceId, double maxRowsPerSecond, Path log) throws Exception {
        Process process = BackfillChildProcess.launch(db, instanceId, 3, 500, maxRowsPerSecond, Duration.ZERO, true, log);
        children.add(process);
        return process;
    }
}
