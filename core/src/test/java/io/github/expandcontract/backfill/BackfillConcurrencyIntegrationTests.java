package io.github.expandcontract.backfill;

import io.github.expandcontract.DualWrite;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationResult;
import io.github.expandcontract.verify.VerificationStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
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

import static io.github.expandcontract.backfill.BackfillTestSupport.awaitVerification;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backfill runs while 4 application threads keep updating the table through JPA (versioned,
 * {@code @DynamicUpdate}, through the old or the new field at random), for the whole backfill.
 * Half of the updates hit rows just ahead of the backfill's checkpoint, where the backfill's
 * UPDATE and the application's dual writes race for the same rows. Afterwards the verification
 * passes and every row holds, in both columns, exactly the value of its last committed update.
 */
class BackfillConcurrencyIntegrationTests {

    static final String MIGRATION = "member-name";
    static final int ROWS = 50_000;
    static final int WRITERS = 4;

    @Entity(name = "Member")
    @Table(name = "members")
    @DynamicUpdate
    public static class Member {
        @Id Long id;
        @Column(name = "nickname") String nickname;
        @Column(name = "display_name") @DualWrite(migration = MIGRATION, from = "nickname") String displayName;
        @Version int version;
    }

    /**
     * First batch 200 rows, adapting toward 50 ms but never beyond 500 rows, and at most 12,000
     * rows/s: at least 100 short batches over about 4 s, so the writers hit the table before,
     * inside and after many batch windows. The writers make it yield to traffic (10 ms batches); a
     * duty cycle of 50% instead of the default 10% keeps the test short on a slow machine.
     */
    static final BackfillSettings SETTINGS = new BackfillSettings(200, 100, 500, Duration.ofMillis(50), 12_000,
            Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMillis(10), 0.5);

    record Committed(int version, String value) {
    }

    PostgresTestDatabase db;

    @BeforeEach
    void setUp() {
        db = PostgresTestDatabase.forClass(BackfillConcurrencyIntegrationTests.class);
        db.execute("create table members (id bigint primary key, nickname varchar(100), display_name varchar(100), version int not null)",
                "insert into members select g, 'seed-' || g, null, 0 from generate_series(1, " + ROWS + ") g",
                "analyze members");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void versionedDualWritesDuringTheWholeBackfillEndWithOldEqualNewEqualLastCommitted() throws Exception {
        Map<Long, Committed> oracle = new ConcurrentHashMap<>();
        AtomicInteger commits = new AtomicInteger();
        AtomicInteger commitsDuringBackfill = new AtomicInteger();
        AtomicInteger commitsThroughNewField = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        AtomicLong frontier = new AtomicLong(0); // the backfill's checkpoint as last seen by the test thread
        AtomicInteger backfillState = new AtomicInteger(0); // 0 before start, 1 running, 2 completed (as observed)
        BackfillProgress progress;
        long backfillMillis;

        try (BackfillTestSupport.Started app = BackfillTestSupport.start(db, MIGRATION, Phase.BACKFILL, Member.class);
             BackfillCoordinator coordinator = new BackfillCoordinator(db.dataSource(), app.catalog(),
                     id -> SETTINGS, "test-instance")) {
            SessionFactory sf = app.sessionFactory();
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (int t = 0; t < WRITERS; t++) {
                    int thread = t;
                    writers.add(pool.submit(() -> {
                        for (int i = 0; backfillState.get() < 2; i++) {
                            ThreadLocalRandom random = ThreadLocalRandom.current();
                            long id = random.nextBoolean()
                                    ? 1 + random.nextInt(ROWS)
                                    : Math.min(ROWS, frontier.get() + 1 + random.nextInt(600)); // just ahead of the backfill
                            String value = "w" + thread + "-" + i;
                            boolean throughNewField = random.nextBoolean();
                            while (true) {
                                try {
                                    Committed committed = sf.fromTransaction(session -> {
                                        Member member = session.find(Member.class, id);
                                        if (throughNewField) {
                                            member.displayName = value;
                                        } else {
                                            member.nickname = value;
                                        }
                                        session.flush();
                                        return new Committed(member.version, value);
                                    });
                                    // recorded after the commit: the highest version is the last commit
                                    oracle.merge(id, committed, (a, b) -> a.version() >= b.version() ? a : b);
                                    commits.incrementAndGet();
                                    if (throughNewField) {
                                        commitsThroughNewField.incrementAndGet();
                                    }
                                    if (backfillState.get() == 1) {
                                        commitsDuringBackfill.incrementAndGet();
                                    }
                                    break;
                                } catch (OptimisticLockException | StaleStateException e) {
                                    retries.incrementAndGet();
                                }
                            }
                        }
                        return null;
                    }));
                }
                // the writers are running before the backfill starts
                BackfillTestSupport.await("writers committing", () -> commits.get() >= 50, Duration.ofSeconds(30));

                long started = System.nanoTime();
                backfillState.set(1);
                coordinator.start();
                BackfillTestSupport.awaitCompleted(coordinator, MIGRATION, frontier, Duration.ofSeconds(120));
                backfillState.set(2); // writers stop only now
                backfillMillis = (System.nanoTime() - started) / 1_000_000;
                for (Future<?> writer : writers) {
                    writer.get(1, TimeUnit.MINUTES); // rethrows a writer's failure
                }
            } finally {
                pool.shutdownNow();
            }

            progress = coordinator.progress(MIGRATION);
            VerificationResult verification = awaitVerification(coordinator, MIGRATION, Duration.ofSeconds(60));
            System.out.printf("backfill of %d rows took %d ms (final batch size %s, %d rows copied); writers: %d commits, "
                            + "%d during the backfill, %d through the new field, %d optimistic-lock retries%n",
                    ROWS, backfillMillis, progress.batchSize(), progress.rowsCopied(), commits.get(), commitsDuringBackfill.get(),
                    commitsThroughNewField.get(), retries.get());

            assertThat(progress.status()).isEqualTo(BackfillStatus.COMPLETED);
            assertThat(progress.rowsProcessed()).isEqualTo(ROWS);
            assertThat(progress.failedRows()).isZero();
            assertThat(progress.rowsCopied()).as("rows the writers dual-wrote ahead of the backfill were found equal and left alone")
                    .isLessThan(ROWS);
            assertThat(verification.status()).isEqualTo(VerificationStatus.PASSED);
            assertThat(verification.mismatches()).isZero();
            assertThat(verification.rowsChecked()).isEqualTo(ROWS);
            // verified again now that nobody writes any more
            VerificationResult quiet = coordinator.verify(MIGRATION).get(60, TimeUnit.SECONDS);
            assertThat(quiet.status()).isEqualTo(VerificationStatus.PASSED);
            assertThat(quiet.mismatches()).isZero();
        }

        assertThat(commitsDuringBackfill.get()).as("application commits while the backfill ran").isGreaterThan(1_000);
        assertThat(commitsThroughNewField.get()).isPositive();
        assertThat(commits.get() - commitsThroughNewField.get()).as("commits through the old field").isPositive();

        int checked = 0;
        long versionsTotal = 0;
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select id, nickname, display_name, version from members order by id")) {
            while (rs.next()) {
                checked++;
                long id = rs.getLong("id");
                int version = rs.getInt("version");
                versionsTotal += version;
                Committed last = oracle.get(id);
                String expected = last == null ? "seed-" + id : last.value();
                String oldValue = rs.getString("nickname");
                String newValue = rs.getString("display_name");
                if (!expected.equals(oldValue) || !expected.equals(newValue) || version != (last == null ? 0 : last.version())) {
                    throw new AssertionError("row " + id + ": nickname=" + oldValue + ", display_name=" + newValue + ", version="
                            + version + ", but the last committed update was " + (last == null ? "none (seed-" + id + ", version 0)" : last));
                }
            }
        }
        assertThat(checked).isEqualTo(ROWS);
        assertThat(versionsTotal).as("every committed update wrote exactly one version, none was lost").isEqualTo(commits.get());
    }
}
