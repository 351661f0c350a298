package io.github.expandcontract.backfill;

import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static io.github.expandcontract.backfill.BackfillChildProcess.MIGRATION;
import static io.github.expandcontract.backfill.BackfillChildProcess.describe;
import static io.github.expandcontract.backfill.BackfillChildProcess.launch;
import static io.github.expandcontract.backfill.BackfillChildProcess.logFile;
import static io.github.expandcontract.backfill.BackfillChildProcess.read;
import static io.github.expandcontract.backfill.BackfillCrashSupport.AUDIT;
import static io.github.expandcontract.backfill.BackfillCrashSupport.await;
import static io.github.expandcontract.backfill.BackfillCrashSupport.backendsOf;
import static io.github.expandcontract.backfill.BackfillCrashSupport.leaseOwner;
import static io.github.expandcontract.backfill.BackfillCrashSupport.queryInstant;
import static io.github.expandcontract.backfill.BackfillCrashSupport.queryLong;
import static io.github.expandcontract.backfill.BackfillCrashSupport.rowsNotCopied;
import static io.github.expandcontract.backfill.BackfillCrashSupport.rowsProcessed;
import static io.github.expandcontract.backfill.BackfillCrashSupport.rowsWrittenBy;
import static io.github.expandcontract.backfill.BackfillCrashSupport.rowsWrittenMoreThanOnce;
import static io.github.expandcontract.backfill.BackfillCrashSupport.state;
import static io.github.expandcontract.backfill.BackfillCrashSupport.verificationStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * At most one instance runs a migration's backfill: the lease holder. A standby never copies
 * while the holder lives, takes over when the holder dies (after the lease expires) or shuts down
 * cleanly (at once, because the lease is released), and resumes from the holder's checkpoint.
 */
class BackfillLeaseIntegrationTests {

    static final int ROWS = 60_000;
    static final int BATCH = 400;
    static final int LEASE_SECONDS = 3;
    /** 60,000 rows at 4,000 rows/s: a run lasts about 15 seconds. */
    static final double MAX_ROWS_PER_SECOND = 4_000;
    /** One engine progress line per batch (progress log interval zero): "backfill 12.3% (7200 of ~60000 rows), ...". */
    static final Pattern BATCH_LINE = Pattern.compile("backfill \\d+(\\.\\d)?% \\(\\d+ of ");

    PostgresTestDatabase db;
    final List<Process> children = new ArrayList<>();

    @BeforeEach
    void setUp() {
        db = PostgresTestDatabase.forClass(BackfillLeaseIntegrationTests.class);
        BackfillCrashSupport.seed(db, ROWS);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (Process child : children) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        db.close();
    }

    @Test
    void twoInstancesStartedTogetherOnlyTheHolderCopiesAndTheStandbyTakesOverWhenTheHolderIsKilled() throws Exception {
        Path logA = logFile("lease-child-a");
        Path logB = logFile("lease-child-b");
        Process a = launch(db, "lease-child-a", LEASE_SECONDS, BATCH, MAX_ROWS_PER_SECOND, logA);
        Process b = launch(db, "lease-child-b", LEASE_SECONDS, BATCH, MAX_ROWS_PER_SECOND, logB);
        children.add(a);
        children.add(b);
        Runnable bothAlive = () -> {
            assertThat(a.isAlive()).as("child a alive: %s", describe(a, logA)).isTrue();
            assertThat(b.isAlive()).as("child b alive: %s", describe(b, logB)).isTrue();
        };

        // one of them takes the lease and starts copying; the other says it stands by
        await(() -> {
            bothAlive.run();
            return leaseOwner(db) != null && rowsProcessed(db) > 0;
        }, Duration.ofSeconds(90), () -> "no instance started the backfill: " + describe(a, logA) + describe(b, logB));
        String holder = leaseOwner(db);
        assertThat(holder).isIn("lease-child-a", "lease-child-b");
        boolean aHolds = holder.equals("lease-child-a");
        String standby = aHolds ? "lease-child-b" : "lease-child-a";
        Process holderProcess = aHolds ? a : b;
        Process standbyProcess = aHolds ? b : a;
        Path holderLog = aHolds ? logA : logB;
        Path standbyLog = aHolds ? logB : logA;
        await(() -> {
            bothAlive.run();
            return read(standbyLog).contains("instance " + holder + " runs the backfill; this instance stands by");
        }, Duration.ofSeconds(60), () -> "the standby never stood by: " + describe(standbyProcess, standbyLog));

        // while both live, for longer than a lease: the owner never changes and only the holder copies
        Set<String> owners = new java.util.HashSet<>();
        int samples = 0;
        long sampleUntil = System.nanoTime() + Duration.ofSeconds(LEASE_SECONDS + 2).toNanos();
        while (System.nanoTime() < sampleUntil) {
            bothAlive.run();
            owners.add(String.valueOf(leaseOwner(db)));
            samples++;
            Thread.sleep(50);
        }
        bothAlive.run();
        BackfillCrashSupport.StateRow beforeKill = state(db);
        assertThat(owners).as("lease owners seen in %d samples over %d s", samples, LEASE_SECONDS + 2).containsExactly(holder);
        assertThat(samples).isGreaterThan(20);
        assertThat(beforeKill.rowsProcessed()).as("still running when the holder is killed").isBetween(1L, ROWS - 4L * BATCH);
        assertThat(rowsWrittenBy(db, standby)).as("rows the standby wrote while the holder lived").isZero();
        assertThat(BATCH_LINE.matcher(read(standbyLog)).find()).as("the standby logged no batch").isFalse();
        assertThat(BATCH_LINE.matcher(read(holderLog)).find()).as("the holder logged its batches").isTrue();

        // SIGKILL the holder: the standby takes over once the lease expires, not before
        holderProcess.destroyForcibly();
        long killedAt = System.nanoTime();
        assertThat(holderProcess.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(holderProcess.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        await(() -> standby.equals(leaseOwner(db)), Duration.ofSeconds(LEASE_SECONDS + 5),
                () -> "the standby did not take over: " + describe(standbyProcess, standbyLog));
        System.out.println("the standby took over " + Duration.ofNanos(System.nanoTime() - killedAt).toMillis() + " ms after the kill");
        await(() -> backendsOf(db, holder) == 0, Duration.ofSeconds(15), () -> "sessions of the killed holder remain");

        assertThat(standbyProcess.waitFor(120, TimeUnit.SECONDS)).as("the standby finished: %s", describe(standbyProcess, standbyLog))
                .isTrue();
        assertThat(standbyProcess.exitValue()).as(describe(standbyProcess, standbyLog)).isZero();
        long holderRows = rowsWrittenBy(db, holder);
        String standbyOut = read(standbyLog);
        assertThat(standbyOut).contains("backfill resumed after key " + holderRows + " (")
                .contains("CHILD " + standby + " done backfill=COMPLETED rowsProcessed=" + ROWS + " verification=PASSED");
        Instant holderLastWrite = queryInstant(db, "select max(written_at) from " + AUDIT + " where written_by = '" + holder + "'");
        Instant standbyFirstWrite = queryInstant(db, "select min(written_at) from " + AUDIT + " where written_by = '" + standby + "'");
        assertThat(Duration.between(holderLastWrite, standbyFirstWrite))
                .as("the standby's first write follows the holder's last by at least most of a lease")
                .isGreaterThan(Duration.ofSeconds(LEASE_SECONDS).minusMillis(500));

        BackfillCrashSupport.StateRow end = state(db);
        assertThat(end.status()).isEqualTo("COMPLETED");
        assertThat(end.rowsProcessed()).isEqualTo(ROWS);
        assertThat(end.rowsCopied()).isEqualTo(ROWS);
        assertThat(verificationStatus(db)).isEqualTo("PASSED checked=" + ROWS + " mismatches=0");
        assertThat(rowsNotCopied(db)).isZero();
        assertThat(queryLong(db, "select count(distinct id) from " + AUDIT)).isEqualTo(ROWS);
        assertThat(rowsWrittenMoreThanOnce(db)).isLessThanOrEqualTo(BATCH);
        assertThat(holderRows + rowsWrittenBy(db, standby)).isEqualTo(ROWS + rowsWrittenMoreThanOnce(db));
    }

    @Test
    void aCoordinatorClosedCleanlyReleasesTheLeaseAtOnceSoTheStandbyTakesOverLongBeforeItWouldExpire() throws Exception {
        Duration lease = Duration.ofSeconds(30); // B could only take over this fast if A released its lease
        BackfillSettings settings = BackfillChildProcess.settings((int) lease.toSeconds(), BATCH, MAX_ROWS_PER_SECOND);
        try (BackfillChildProcess.Application app = BackfillChildProcess.Application.start(db.jdbcUrl(), db.user(), db.password())) {
            BackfillCoordinator coordinatorA = new BackfillCoordinator(dataSource("inproc-a"), app.catalog(), id -> settings, "inproc-a");
            BackfillSettings unthrottled = settings.withMaxRowsPerSecond(0); // B finishes the rest quickly
            try (BackfillCoordinator coordinatorB = new BackfillCoordinator(dataSource("inproc-b"), app.catalog(), id -> unthrottled,
                    "inproc-b")) {
                coordinatorA.start();
                await(() -> "inproc-a".equals(leaseOwner(db)) && rowsProcessed(db) >= 2L * BATCH, Duration.ofSeconds(30),
                        () -> "A did not start: " + state(db));
                coordinatorB.start();
                // B stands by: for two of its polls (1 s each) A keeps the lease and B writes nothing
                long until = System.nanoTime() + Duration.ofMillis(2_200).toNanos();
                while (System.nanoTime() < until) {
                    assertThat(leaseOwner(db)).isEqualTo("inproc-a");
                    Thread.sleep(50);
                }
                assertThat(rowsWrittenBy(db, "inproc-b")).isZero();

                long closing = System.nanoTime();
                coordinatorA.close();
                Duration closeTook = Duration.ofNanos(System.nanoTime() - closing);
                assertThat(closeTook).as("close() returns promptly").isLessThan(Duration.ofSeconds(3));
                BackfillCrashSupport.StateRow afterClose = state(db);
                assertThat(afterClose.leaseOwner()).as("A's lease right after close()").isNotEqualTo("inproc-a");
                long writtenByA = rowsWrittenBy(db, "inproc-a");
                assertThat(writtenByA).as("A's committed writes match the checkpoint").isEqualTo(afterClose.rowsProcessed());

                Duration takeover = await(() -> "inproc-b".equals(leaseOwner(db)), Duration.ofMillis(2_500),
                        () -> "B did not take over after A's clean shutdown: " + state(db));
                System.out.println("B took over " + (closeTook.plus(takeover).toMillis()) + " ms after close() was called");
                assertThat(queryLong(db, "select count(*) from " + AUDIT + " where written_by = 'inproc-a' and written_at > "
                        + "(select min(written_at) from " + AUDIT + " where written_by = 'inproc-b')")).as("A wrote after B started").isZero();

                await(() -> coordinatorB.progress(MIGRATION).status() == BackfillStatus.COMPLETED
                        && coordinatorB.verification(MIGRATION).status() == VerificationStatus.PASSED, Duration.ofSeconds(60),
                        () -> "B did not complete: " + state(db) + " " + verificationStatus(db));
                assertThat(rowsWrittenBy(db, "inproc-a")).as("A wrote nothing after close()").isEqualTo(writtenByA);
                BackfillProgress end = coordinatorB.progress(MIGRATION);
                assertThat(end.rowsProcessed()).isEqualTo(ROWS);
                assertThat(end.rowsCopied()).isEqualTo(ROWS);
                assertThat(rowsNotCopied(db)).isZero();
                assertThat(rowsWrittenMoreThanOnce(db)).isZero();
                assertThat(rowsWrittenBy(db, "inproc-b")).isEqualTo(ROWS - writtenByA);
            } finally {
                coordinatorA.close();
            }
        }
        assertThat(leaseOwner(db)).as("B released its lease on close()").isNull();
    }

    /**
     * The holder keeps its lease while it verifies: a verification that lasts longer than the lease
     * (each of its chunks is slowed down here) neither lets the standby take the lease over nor
     * makes it verify a second time.
     */
    @Test
    void theHolderKeepsItsLeaseWhileAVerificationLongerThanTheLeaseRuns() throws Exception {
        BackfillSettings settings = BackfillChildProcess.settings(1, 10_000, 0); // lease 1 s; the standby polls every 333 ms
        Duration slowChunk = Duration.ofMillis(400); // 6 chunks of 10,000 rows: about 2.4 s of verification
        try (BackfillChildProcess.Application app = BackfillChildProcess.Application.start(db.jdbcUrl(), db.user(), db.password());
             BackfillCoordinator coordinatorA = new BackfillCoordinator(BackfillChildProcess.slowVerification(dataSource("inproc-a"), slowChunk), app.catalog(),
                     id -> settings, "inproc-a");
             BackfillCoordinator coordinatorB = new BackfillCoordinator(BackfillChildProcess.slowVerification(dataSource("inproc-b"), slowChunk), app.catalog(),
                     id -> settings, "inproc-b")) {
            coordinatorA.start();
            await(() -> "inproc-a".equals(leaseOwner(db)), Duration.ofSeconds(30), () -> "A did not start: " + state(db));
            coordinatorB.start();
            await(() -> "RUNNING".equals(BackfillCrashSupport.queryString(db, "select status from expand_contract_verification")),
                    Duration.ofSeconds(30), () -> "no verification: " + state(db));
            Instant verificationStarted = queryInstant(db, "select started_at from expand_contract_verification");
            long runningSince = System.nanoTime();
            Set<String> owners = new java.util.HashSet<>();
            while ("RUNNING".equals(BackfillCrashSupport.queryString(db, "select status from expand_contract_verification"))) {
                owners.add(String.valueOf(BackfillCrashSupport.state(db).leaseOwner()));
                assertThat(System.nanoTime() - runningSince).as("verification still running").isLessThan(Duration.ofSeconds(30).toNanos());
                Thread.sleep(20);
            }
            Duration verifying = Duration.ofNanos(System.nanoTime() - runningSince);
            assertThat(verifying).as("the verification outlasted the lease").isGreaterThan(Duration.ofMillis(1_500));
            assertThat(owners).as("lease owners while A verified for %s", verifying).containsExactly("inproc-a");
            assertThat(verificationStatus(db)).isEqualTo("PASSED checked=" + ROWS + " mismatches=0");
            // one verification only: a second one (by B) would have started later and, finishing later, be the one recorded
            assertThat(queryInstant(db, "select started_at from expand_contract_verification")).isEqualTo(verificationStarted);
            // and afterwards: A keeps the lease, B does not verify again (that would change started_at)
            long until = System.nanoTime() + Duration.ofMillis(1_500).toNanos();
            while (System.nanoTime() < until) {
                assertThat(leaseOwner(db)).isEqualTo("inproc-a");
                assertThat(queryInstant(db, "select started_at from expand_contract_verification")).isEqualTo(verificationStarted);
                Thread.sleep(50);
            }
        }
    }

    private javax.sql.DataSource dataSource(String instanceId) {
        return BackfillChildProcess.dataSource(BackfillChildProcess.withApplicationName(db.jdbcUrl(), instanceId), db.user(), db.password());
    }
}
