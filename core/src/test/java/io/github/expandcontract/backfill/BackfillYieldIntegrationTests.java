package io.github.expandcontract.backfill;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.expandcontract.migration.MigrationCatalog;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.github.expandcontract.backfill.BackfillTestSupport.await;
import static io.github.expandcontract.backfill.BackfillTestSupport.count;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backfill yields to application traffic on PostgreSQL (short batches, a bounded share of the
 * time) and copies every row all the same; with a duty cycle of 1 it never yields.
 */
class BackfillYieldIntegrationTests {

    static final String PARCELS = BackfillOperationsIntegrationTests.PARCELS;

    PostgresTestDatabase db;
    final ListAppender<ILoggingEvent> log = new ListAppender<>();
    final Logger jobLogger = (Logger) LoggerFactory.getLogger(BackfillJob.class);

    @BeforeEach
    void setUp() {
        db = PostgresTestDatabase.forClass(BackfillYieldIntegrationTests.class);
        log.start();
        jobLogger.addAppender(log);
    }

    @AfterEach
    void tearDown() {
        jobLogger.detachAppender(log);
        db.close();
    }

    private MigrationCatalog parcels(int rows) {
        return BackfillOperationsIntegrationTests.parcels(db, rows);
    }

    /** Runs the backfill while an application connection updates random rows every 10 ms; returns the messages logged. */
    private List<String> backfillUnderTraffic(int rows, BackfillSettings settings) throws Exception {
        MigrationCatalog catalog = parcels(rows);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger updates = new AtomicInteger();
        Thread application = new Thread(() -> {
            try (Connection c = db.connect();
                 PreparedStatement update = c.prepareStatement("update parcels set label = 'parcel-' || id where id = ?")) {
                while (writing.get()) {
                    update.setLong(1, ThreadLocalRandom.current().nextLong(1, rows + 1));
                    update.executeUpdate();
                    updates.incrementAndGet();
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        application.start();
        try (BackfillCoordinator coordinator = new BackfillCoordinator(db.dataSource(), catalog, id -> settings, "test-instance")) {
            await("the application writes", () -> updates.get() > 5, Duration.ofSeconds(10));
            coordinator.start();
            await("backfill COMPLETED", () -> coordinator.progress(PARCELS).status() == BackfillStatus.COMPLETED, Duration.ofSeconds(60));
        } finally {
            writing.set(false);
            application.join();
        }
        assertThat(count(db, "parcels", "tracking_label is distinct from label")).as("rows not copied").isZero();
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void theBackfillYieldsToApplicationWritesAndStillCopiesEveryRow() throws Exception {
        List<String> messages = backfillUnderTraffic(20_000, BackfillSettings.DEFAULTS);
        assertThat(messages).anyMatch(m -> m.contains("application traffic on the database") && m.contains("the backfill yields")
                && m.contains("at most 10% of the time"));
    }

    /**
     * A yielding runner rests after each batch, nine times the batch's time at the default duty cycle.
     * Batches slowed down to ~300 ms would make that 2.7 s, longer than a 1 s lease: the rest is capped
     * at a third of the lease, so the runner keeps its lease and a standby never takes over.
     */
    @Test
    void restingNeverCostsTheRunnerItsLease() throws Exception {
        int rows = 3_000;
        MigrationCatalog catalog = parcels(rows);
        db.execute("create function slow_batch() returns trigger language plpgsql as $$ begin perform pg_sleep(0.3); return null; end $$",
                "create trigger slow_batch after update on parcels for each statement execute function slow_batch()");
        BackfillSettings settings = new BackfillSettings(500, 500, 500, Duration.ofMillis(500), 0, Duration.ZERO,
                Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(5));
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread application = new Thread(() -> {
            try (Connection c = db.connect(); PreparedStatement select = c.prepareStatement("select label from parcels where id = ?")) {
                while (writing.get()) {
                    select.setLong(1, ThreadLocalRandom.current().nextLong(1, rows + 1));
                    select.executeQuery().close();
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        application.start();
        Set<String> owners;
        try {
            owners = leaseOwnersWhileRunnerACopies(catalog, settings);
        } finally {
            writing.set(false);
            application.join();
        }
        List<String> messages = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(messages).as("it yielded").anyMatch(m -> m.contains("the backfill yields"));
        assertThat(owners).as("lease owners while it copied").containsExactly("runner-a");
        assertThat(count(db, "parcels", "tracking_label is distinct from label")).isZero();
    }

    @Test
    void aDutyCycleOfOneNeverYields() throws Exception {
        List<String> messages = backfillUnderTraffic(20_000, BackfillSettings.DEFAULTS.withTrafficYield(Duration.ofMillis(10), 1));
        assertThat(messages).noneMatch(m -> m.contains("yield"));
    }

    /**
     * A pause between batches longer than the lease (2.5 s against 1 s) is no reason to lose it: the
     * runner renews the lease while it waits, so a standby never takes over a runner that only rests.
     */
    @Test
    void aPauseLongerThanTheLeaseKeepsTheLease() throws Exception {
        MigrationCatalog catalog = parcels(1_500);
        BackfillSettings settings = new BackfillSettings(500, 500, 500, Duration.ofMillis(500), 0, Duration.ofMillis(2_500),
                Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(5)).withTrafficYield(Duration.ofMillis(10), 1);
        Set<String> owners = leaseOwnersWhileRunnerACopies(catalog, settings);
        assertThat(owners).as("lease owners while it copied, three batches 2.5 s apart").containsExactly("runner-a");
        assertThat(count(db, "parcels", "tracking_label is distinct from label")).isZero();
    }

    /**
     * Starts runner-a, then standby-b once runner-a holds the lease, and returns every lease owner seen
     * until the backfill COMPLETED (within 60 s).
     */
    private Set<String> leaseOwnersWhileRunnerACopies(MigrationCatalog catalog, BackfillSettings settings) throws Exception {
        Set<String> owners = new HashSet<>();
        try (BackfillCoordinator a = new BackfillCoordinator(db.dataSource(), catalog, id -> settings, "runner-a");
             BackfillCoordinator b = new BackfillCoordinator(db.dataSource(), catalog, id -> settings, "standby-b")) {
            a.start();
            await("runner-a holds the lease", () -> "runner-a".equals(a.progress(PARCELS).leaseOwner()), Duration.ofSeconds(10));
            b.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (a.progress(PARCELS).status() != BackfillStatus.COMPLETED) {
                owners.add(String.valueOf(a.progress(PARCELS).leaseOwner()));
                assertThat(System.nanoTime()).as("backfill COMPLETED within 60 s").isLessThan(deadline);
                Thread.sleep(50);
            }
        }
        return owners;
    }
}
