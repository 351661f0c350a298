package io.github.expandcontract.backfill;

import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.github.expandcontract.backfill.BackfillChildProcess.FILLED;
import static io.github.expandcontract.backfill.BackfillChildProcess.TABLE;
import static io.github.expandcontract.backfill.BackfillChildProcess.describe;
import static io.github.expandcontract.backfill.BackfillChildProcess.launch;
import static io.github.expandcontract.backfill.BackfillChildProcess.logFile;
import static io.github.expandcontract.backfill.BackfillChildProcess.read;
import static io.github.expandcontract.backfill.BackfillCrashSupport.AUDIT;
import static io.github.expandcontract.backfill.BackfillCrashSupport.await;
import static io.github.expandcontract.backfill.BackfillCrashSupport.backendsOf;
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
 * A backfill runner killed with SIGKILL in the middle of the run: a second instance takes over
 * its lease once it expires, resumes from the committed checkpoint, and the table ends exactly
 * copied, every row written by the backfill in a committed transaction, at most one window twice.
 */
class BackfillCrashIntegrationTests {

    static final int ROWS = 60_000;
    static final int BATCH = 500;
    static final int LEASE_SECONDS = 3;
    /** 60,000 rows at 10,000 rows/s: the first child's run lasts about six seconds. */
    static final double MAX_ROWS_PER_SECOND = 10_000;

    PostgresTestDatabase db;
    final List<Process> children = new ArrayList<>();

    @BeforeEach
    void setUp() {
        db = PostgresTestDatabase.forClass(BackfillCrashIntegrationTests.class);
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
    void aRunnerKilledMidRunIsReplacedAndTheSuccessorResumesFromTheCheckpointWithoutRedoingCommittedWindows() throws Exception {
        BackfillCrashSupport.seed(db, ROWS);
        // child 1 runs throttled and is killed with SIGKILL between 20% and 60%
        Path log1 = logFile("crash-child-1");
        Process child1 = start("crash-child-1", MAX_ROWS_PER_SECOND, log1);
        await(() -> {
            assertThat(child1.isAlive()).as("child 1 still running: %s", describe(child1, log1)).isTrue();
            return rowsProcessed(db) >= ROWS / 5;
        }, Duration.ofSeconds(90), () -> "child 1 never reached 20%: " + describe(child1, log1));
        long atKill = rowsProcessed(db);
        assertThat(atKill).as("rows processed when the kill is sent").isBetween((long) ROWS / 5, (long) ROWS * 6 / 10);
        child1.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no lease release, open transaction abandoned
        assertThat(child1.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(child1.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
        assertThat(read(log1)).doesNotContain("CHILD crash-child-1 done");

        // once PostgreSQL has ended the dead child's sessions (its open window rolled back), its checkpoint is final
        await(() -> backendsOf(db, "crash-child-1") == 0, Duration.ofSeconds(15), () -> "sessions of the killed child remain");
        BackfillCrashSupport.StateRow checkpoint = state(db);
        assertThat(checkpoint.status()).isEqualTo("RUNNING");
        assertThat(checkpoint.leaseOwner()).as("the dead runner still holds its lease until it expires").isEqualTo("crash-child-1");
        assertThat(checkpoint.rowsProcessed()).isBetween((long) ROWS / 5, (long) ROWS * 6 / 10);
        assertThat(checkpoint.rowsProcessed() % BATCH).as("whole windows only").isZero();
        assertThat(checkpoint.lastKey()).isEqualTo(String.valueOf(checkpoint.rowsProcessed())); // ids are 1..ROWS
        // the checkpoint is committed with the window's writes, never apart from them
        assertThat(rowsWrittenBy(db, "crash-child-1")).as("rows child 1 wrote in committed transactions")
                .isEqualTo(checkpoint.rowsProcessed());
        assertThat(queryLong(db, "select coalesce(max(id), 0) from " + AUDIT + " where written_by = 'crash-child-1'"))
                .isEqualTo(Long.parseLong(checkpoint.lastKey()));
        assertThat(queryLong(db, "select count(*) from " + TABLE + " where label_copy is null"))
                .isEqualTo(ROWS - checkpoint.rowsProcessed());

        // child 2 (another instance id, same short lease) takes over after the lease expires and resumes
        Path log2 = logFile("crash-child-2");
        Process child2 = start("crash-child-2", 0, log2);
        assertThat(child2.waitFor(120, TimeUnit.SECONDS)).as("child 2 finished: %s", describe(child2, log2)).isTrue();
        assertThat(child2.exitValue()).as(describe(child2, log2)).isZero();
        String out2 = read(log2);
        assertThat(out2).contains("backfill resumed after key " + checkpoint.lastKey() + " (")
                .doesNotContain("backfill started (")
                .contains("CHILD crash-child-2 done backfill=COMPLETED rowsProcessed=" + ROWS + " verification=PASSED");

        BackfillCrashSupport.StateRow end = state(db);
        assertThat(end.status()).isEqualTo("COMPLETED");
        assertThat(end.rowsProcessed()).as("every row passed exactly once in the shared progress").isEqualTo(ROWS);
        assertThat(end.rowsCopied()).isEqualTo(ROWS);
        assertThat(end.rowsTotal()).isEqualTo(ROWS);
        assertThat(end.leaseOwner()).as("child 2 released its lease when it shut down cleanly").isNull();
        assertThat(verificationStatus(db)).isEqualTo("PASSED checked=" + ROWS + " mismatches=0");

        // every row copied (plain JDBC), each written by a committed backfill transaction, at most one window twice
        assertThat(rowsNotCopied(db)).isZero();
        assertThat(queryLong(db, "select count(distinct id) from " + AUDIT)).isEqualTo(ROWS);
        long twice = rowsWrittenMoreThanOnce(db);
        System.out.println("rows written more than once by the backfill: " + twice);
        assertThat(twice).as("rows the backfill wrote in more than one committed transaction").isLessThanOrEqualTo(BATCH);
        assertThat(rowsWrittenBy(db, "crash-child-2")).isEqualTo(ROWS - checkpoint.rowsProcessed() + twice);
        assertThat(queryLong(db, "select count(*) from " + AUDIT + " where written_by not in ('crash-child-1', 'crash-child-2')"))
                .isZero();

        // child 2 never wrote before the dead runner's lease had expired
        Instant firstWriteOfChild2 = queryInstant(db, "select min(written_at) from " + AUDIT + " where written_by = 'crash-child-2'");
        assertThat(firstWriteOfChild2).isAfterOrEqualTo(checkpoint.leaseUntil());
    }

    /**
     * The kill lands while a window's transaction is open and has already written rows: the test
     * holds a row lock in the middle of a window, so the runner's UPDATE waits there. PostgreSQL
     * rolls the dead runner's transaction back, its writes (and their audit rows) vanish, and the
     * successor copies that window again from the checkpoint before it.
     */
    @Test
    void aRunnerKilledInsideAnOpenWindowLeavesNoTraceOfThatWindowAndTheSuccessorCopiesItOnce() throws Exception {
        long windowStart = ROWS * 3L / 10; // the checkpoint the kill must leave: 30%
        long lockedId = windowStart + BATCH / 2; // in the middle of the next window
        BackfillCrashSupport.seed(db, ROWS);
        try (Connection blocker = db.connect()) {
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement()) {
                s.execute("select id from " + TABLE + " where id = " + lockedId + " for update");
            }
            Path log1 = logFile("crash-open-window-child-1");
            Process child1 = start("crash-child-1", MAX_ROWS_PER_SECOND, log1);
            // child 1's session is inside a transaction that has written (it has an xid) and waits for the locked row
            await(() -> {
                assertThat(child1.isAlive()).as("child 1 still running: %s", describe(child1, log1)).isTrue();
                return queryLong(db, "select count(*) from pg_stat_activity where application_name = 'crash-child-1' "
                        + "and wait_event_type = 'Lock' and backend_xid is not null and state = 'active'") == 1;
            }, Duration.ofSeconds(90), () -> "child 1 never waited inside a window: " + describe(child1, log1));
            assertThat(rowsProcessed(db)).as("checkpoint when the kill is sent").isEqualTo(windowStart);
            child1.destroyForcibly();
            assertThat(child1.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(child1.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
            blocker.rollback();
        }
        await(() -> backendsOf(db, "crash-child-1") == 0, Duration.ofSeconds(15), () -> "sessions of the killed child remain");

        BackfillCrashSupport.StateRow checkpoint = state(db);
        assertThat(checkpoint.rowsProcessed()).isEqualTo(windowStart);
        assertThat(checkpoint.lastKey()).isEqualTo(String.valueOf(windowStart));
        assertThat(checkpoint.leaseOwner()).isEqualTo("crash-child-1");
        // nothing of the open window survived: no copied value, no committed write
        assertThat(rowsWrittenBy(db, "crash-child-1")).isEqualTo(windowStart);
        assertThat(queryLong(db, "select count(*) from " + TABLE + " where id > " + windowStart + " and label_copy is not null")).isZero();

        Path log2 = logFile("crash-open-window-child-2");
        Process child2 = start("crash-child-2", 0, log2);
        assertThat(child2.waitFor(120, TimeUnit.SECONDS)).as("child 2 finished: %s", describe(child2, log2)).isTrue();
        assertThat(child2.exitValue()).as(describe(child2, log2)).isZero();
        assertThat(read(log2)).contains("backfill resumed after key " + windowStart + " (")
                .contains("CHILD crash-child-2 done backfill=COMPLETED rowsProcessed=" + ROWS + " verification=PASSED");

        BackfillCrashSupport.StateRow end = state(db);
        assertThat(end.status()).isEqualTo("COMPLETED");
        assertThat(end.rowsProcessed()).isEqualTo(ROWS);
        assertThat(end.rowsCopied()).isEqualTo(ROWS);
        assertThat(verificationStatus(db)).isEqualTo("PASSED checked=" + ROWS + " mismatches=0");
        assertThat(rowsNotCopied(db)).isZero();
        assertThat(queryLong(db, "select count(distinct id) from " + AUDIT)).isEqualTo(ROWS);
        assertThat(rowsWrittenMoreThanOnce(db)).isLessThanOrEqualTo(BATCH);
        assertThat(rowsWrittenBy(db, "crash-child-2")).isEqualTo(ROWS - windowStart + rowsWrittenMoreThanOnce(db));
        assertThat(queryLong(db, "select count(*) from " + AUDIT + " where id = " + lockedId + " and written_by = 'crash-child-2'"))
                .isEqualTo(1);
        assertThat(queryInstant(db, "select min(written_at) from " + AUDIT + " where written_by = 'crash-child-2'"))
                .isAfterOrEqualTo(checkpoint.leaseUntil());
    }

    /**
     * The runner dies after the backfill COMPLETED, while its verification runs (child 1 adds 1 s to
     * each 10,000-row chunk of its verification, so it lasts about six seconds). The verification
     * must not stay RUNNING for ever: the instance that takes the lease over runs it again, so that
     * read-new becomes possible without an operator.
     */
    @Test
    void aRunnerKilledDuringItsVerificationIsReplacedAndTheSuccessorVerifies() throws Exception {
        BackfillCrashSupport.seed(db, ROWS);
        Path log1 = logFile("crash-verify-child-1");
        Process child1 = launch(db, "crash-child-1", LEASE_SECONDS, BATCH, 0, Duration.ofSeconds(1), log1);
        children.add(child1);
        await(() -> {
            assertThat(child1.isAlive()).as("child 1 still running: %s", describe(child1, log1)).isTrue();
            return verificationStatus(db) != null && verificationStatus(db).startsWith("RUNNING");
        }, Duration.ofSeconds(90), () -> "child 1 never verified: " + describe(child1, log1));
        child1.destroyForcibly();
        assertThat(child1.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(child1.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
        await(() -> backendsOf(db, "crash-child-1") == 0, Duration.ofSeconds(15), () -> "sessions of the killed child remain");
        assertThat(state(db).status()).isEqualTo("COMPLETED");
        assertThat(state(db).rowsProcessed()).isEqualTo(ROWS);
        assertThat(verificationStatus(db)).as("killed while verifying").startsWith("RUNNING");

        Path log2 = logFile("crash-verify-child-2");
        Process child2 = start("crash-child-2", 0, log2);
        boolean finished = child2.waitFor(45, TimeUnit.SECONDS);
        assertThat(finished).as("child 2 saw a finished verification within 45 s; verification is %s; %s", verificationStatus(db),
                describe(child2, log2)).isTrue();
        assertThat(child2.exitValue()).as(describe(child2, log2)).isZero();
        assertThat(read(log2)).contains("the verification was left RUNNING by an instance that stopped; verifying again")
                .contains("CHILD crash-child-2 done backfill=COMPLETED rowsProcessed=" + ROWS + " verification=PASSED");
        assertThat(verificationStatus(db)).isEqualTo("PASSED checked=" + ROWS + " mismatches=0");
        assertThat(rowsNotCopied(db)).isZero();
        assertThat(rowsWrittenBy(db, "crash-child-1")).isEqualTo(ROWS);
        assertThat(rowsWrittenBy(db, "crash-child-2")).as("the backfill was not run again").isZero();
    }

    /**
     * A {@code @FillNulls} migration of the same table ({@code label_copy} NULLs filled with
     * {@value BackfillChildProcess#FILLED}): the runner is killed with SIGKILL mid-run; a second instance takes over after the lease
     * expires, resumes after the committed checkpoint, and every NULL is filled exactly once: a
     * window redone after the kill finds its committed rows no longer NULL.
     */
    @Test
    void aRunnerKilledMidRunIsReplacedAndTheSuccessorFillsTheRestExactlyOnce() throws Exception {
        int rows = ROWS / 2;
        BackfillCrashSupport.seed(db, rows);
        Path log1 = logFile("fill-nulls-child-1");
        Process child1 = startFillingNulls("fill-child-1", MAX_ROWS_PER_SECOND, log1);
        await(() -> {
            assertThat(child1.isAlive()).as("child 1 still running: %s", describe(child1, log1)).isTrue();
            return rowsProcessed(db) >= rows / 5;
        }, Duration.ofSeconds(90), () -> "child 1 never reached 20%: " + describe(child1, log1));
        child1.destroyForcibly();
        assertThat(child1.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(child1.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
        await(() -> backendsOf(db, "fill-child-1") == 0, Duration.ofSeconds(15),
                () -> "sessions of the killed child remain");
        BackfillCrashSupport.StateRow checkpoint = state(db);
        assertThat(checkpoint.status()).isEqualTo("RUNNING");
        assertThat(checkpoint.rowsProcessed()).isLessThan(rows);
        assertThat(rowsWrittenBy(db, "fill-child-1")).as("rows child 1 filled in committed transactions")
                .isEqualTo(checkpoint.rowsProcessed());
        assertThat(queryLong(db, "select count(*) from " + TABLE + " where label_copy is null"))
                .isEqualTo(rows - checkpoint.rowsProcessed());

        Path log2 = logFile("fill-nulls-child-2");
        Process child2 = startFillingNulls("fill-child-2", 0, log2);
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

    private Process start(String instanceId, double maxRowsPerSecond, Path log) throws Exception {
        Process process = launch(db, instanceId, LEASE_SECONDS, BATCH, maxRowsPerSecond, log);
        children.add(process);
        return process;
    }

    private Process startFillingNulls(String instanceId, double maxRowsPerSecond, Path log) throws Exception {
        Process process = BackfillChildProcess.launch(db, instanceId, LEASE_SECONDS, BATCH, maxRowsPerSecond, Duration.ZERO, true, log);
        children.add(process);
        return process;
    }
}
