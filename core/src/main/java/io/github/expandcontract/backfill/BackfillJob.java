package io.github.expandcontract.backfill;

import io.github.expandcontract.fleet.LiveInstance;
import io.github.expandcontract.migration.Direction;
import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.observe.MigrationObserver;
import io.github.expandcontract.verify.VerificationRepository;
import io.github.expandcontract.verify.VerificationResult;
import io.github.expandcontract.verify.VerificationStatus;
import io.github.expandcontract.verify.Verifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The backfill of one migration on this instance. It runs only while it holds the migration's
 * lease; otherwise it stands by and takes over once the holder's lease expires. Each keyset
 * window is copied and checkpointed in one short transaction, so a crash redoes at most one
 * window, and a lost lease rolls the window back.
 */
final class BackfillJob implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(BackfillJob.class);
    /** lock_not_available, deadlock, serialization failure (PostgreSQL); lock timeout (H2); connection trouble. */
    private static final Set<String> TRANSIENT_STATES = Set.of("55P03", "40P01", "40001", "HYT00", "57014");

    private final DataSource dataSource;
    private final Migration migration;
    private final BackfillSettings settings;
    private final String owner;
    private final Verifier verifier;
    private final MigrationObserver observer;
    private final BackfillRepository repository = new BackfillRepository();
    private final VerificationRepository verifications = new VerificationRepository();
    private final BatchSizer sizer;
    private final Throttle throttle;
    private final Deque<long[]> recent = new ArrayDeque<>(); // (nanoTime, rows processed) for the sliding-window rate
    private volatile boolean stopped;
    private volatile Thread thread;
    private KeysetTable keyset;
    private BatchCopier copier;
    private TrafficMonitor traffic;
    /** Whether batches currently yield to application traffic (short, at a bounded share of the time). */
    private boolean yielding;
    private boolean running;
    /** Whether this job held the lease after its last turn; false at start and while standing by. */
    private boolean holding;
    private String standingByFor;
    private long lastProgressLog;
    private int transientFailures;
    private double lastRate;
    private boolean verificationDue;
    private final Direction direction;
    private final Blockers blockers;
    /** The instances the job waits for, as last logged; null while it does not wait. */
    private String waitingFor;

    /** The live instances that keep the copy from starting (they do not write the column it fills). */
    @FunctionalInterface
    interface Blockers {
        Blockers NONE = c -> List.of();

        List<LiveInstance> of(Connection connection) throws SQLException;
    }

    BackfillJob(DataSource dataSource, Migration migration, BackfillSettings settings, String owner, Verifier verifier,
                MigrationObserver observer) {
        this(dataSource, migration, settings, owner, verifier, observer, Direction.FORWARD, Blockers.NONE);
    }

    /**
     * @param migration the migration as {@code direction} copies it ({@link Direction#apply})
     */
    BackfillJob(DataSource dataSource, Migration migration, BackfillSettings settings, String owner, Verifier verifier,
                MigrationObserver observer, Direction direction, Blockers blockers) {
        this.direction = direction;
        this.blockers = blockers;
        this.dataSource = dataSource;
        this.migration = migration;
        this.settings = settings;
        this.owner = owner;
        this.verifier = verifier;
        this.observer = observer;
        this.sizer = new BatchSizer(settings);
        this.throttle = new Throttle(settings.maxRowsPerSecond());
    }

    void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            repository.ensureRow(c, migration.id());
            keyset = new KeysetTable(migration, KeysetTable.isPostgres(c));
            copier = BatchCopier.of(keyset);
            traffic = new TrafficMonitor(keyset.postgres(), settings);
        } catch (SQLException | RuntimeException e) {
            log.error("expand-contract migration '{}': the backfill cannot start: {}", migration.id(), e.toString(), e);
            return;
        }
        while (!stopped) {
            long sleep;
            try {
                sleep = step();
                transientFailures = 0;
                if (verificationDue) {
                    // outside step(): the verification takes its own connection, never two at once
                    verificationDue = false;
                    try {
                        verifyUnderLease();
                    } catch (SQLException e) {
                        if (stopped || isTransient(e)) {
                            verificationDue = true; // verified again after the back-off below, not left RUNNING
                            throw e;
                        }
                        verificationFailed(e);
                    } catch (RuntimeException e) {
                        verificationFailed(e);
                    }
                }
            } catch (SQLException e) {
                if (stopped) {
                    break; // interrupted by a shutdown: not a failure; the checkpoint and the lease expiry cover it
                }
                if (isTransient(e)) {
                    transientFailures++;
                    sleep = Math.min(10_000, 100L << Math.min(transientFailures, 7));
                    log.warn("expand-contract migration '{}': batch failed transiently ({}, SQLState {}); retry {} in {} ms",
                            migration.id(), e.getMessage(), e.getSQLState(), transientFailures, sleep);
                } else {
                    sleep = fail(e);
                }
            } catch (RuntimeException e) {
                if (stopped) {
                    break;
                }
                sleep = fail(e);
            }
            if (sleep > 0 && !waitKeepingLease(sleep)) {
                break;
            }
        }
        release();
    }

    /**
     * Waits between batches. A holder's wait longer than a third of the lease (a long
     * pause-between-batches, or a low max-rows-per-second after a large batch) is cut into pieces with
     * the lease renewed after each, so that a standby never takes over a runner that is only resting.
     *
     * @return false when interrupted (shutdown)
     */
    private boolean waitKeepingLease(long millis) {
        long piece = settings.leaseDuration().toMillis() / 3;
        long left = millis;
        while (holding && left > piece) {
            if (!sleepQuietly(piece)) {
                return false;
            }
            left -= piece;
            if (stopped) {
                return true;
            }
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                if (!repository.tryAcquireLease(c, migration.id(), owner, settings.leaseDuration())) {
                    return true; // lost after all: the next turn stands by
                }
            } catch (SQLException e) {
                return true; // the next turn retries and reports
            }
        }
        return left <= 0 || sleepQuietly(left);
    }

    static boolean isTransient(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (TRANSIENT_STATES.contains(s.getSQLState()) || s.getSQLState().startsWith("08"))) {
                return true;
            }
        }
        return false;
    }

    private long fail(Exception e) {
        running = false;
        log.error("expand-contract migration '{}': backfill FAILED: {}. Fix the cause, then restart it; it continues from its checkpoint.",
                migration.id(), e.toString(), e);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            repository.markFailed(c, migration.id(), e.toString());
        } catch (SQLException recordFailure) {
            log.error("expand-contract migration '{}': could not record the failure: {}", migration.id(), recordFailure.toString());
        }
        return idle();
    }

    /**
     * A verification that could not run ends FAILED (0 mismatches; the error is in the log), so that
     * read-new stays refused and the health goes DOWN, instead of staying RUNNING. The backfill itself
     * stays COMPLETED: its copy is not in question, only the check.
     */
    private void verificationFailed(Exception e) {
        log.error("expand-contract migration '{}': the verification could not run: {}. The backfill stays COMPLETED; "
                + "fix the cause, then verify again (POST {\"action\": \"verify\"}).", migration.id(), e.toString(), e);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            VerificationResult started = verifications.load(c, migration.id());
            verifications.save(c, new VerificationResult(migration.id(), VerificationStatus.FAILED, started.rowsChecked(), 0, List.of(),
                    started.startedAt(), Verifier.databaseNow(c)));
        } catch (SQLException recordFailure) {
            log.error("expand-contract migration '{}': could not record the failed verification: {}", migration.id(),
                    recordFailure.toString());
        }
    }

    /** How often an idle job looks again: for operator requests, and to take over an expired lease in time. */
    private long idle() {
        return Math.max(200, Math.min(1_000, settings.leaseDuration().toMillis() / 3));
    }

    /** One turn: take or renew the lease, honour the operator, copy one window. Returns how long to wait next. */
    private long step() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            if (waitsForFleet(c)) {
                running = false;
                return idle();
            }
            if (!repository.tryAcquireLease(c, migration.id(), owner, settings.leaseDuration())) {
                BackfillProgress holder = repository.load(c, migration.id());
                if (standingByFor == null || !standingByFor.equals(holder.leaseOwner())) {
                    standingByFor = holder.leaseOwner();
                    log.info("expand-contract migration '{}': instance {} runs the backfill; this instance stands by",
                            migration.id(), holder.leaseOwner());
                }
                running = false;
                holding = false;
                return idle();
            }
            boolean tookOver = !holding;
            holding = true;
            standingByFor = null;
            BackfillProgress state = repository.load(c, migration.id());
            switch (state.status()) {
                case COMPLETED -> {
                    verifyIfNotDone(c, tookOver);
                    running = false;
                    return idle();
                }
                case FAILED -> {
                    running = false;
                    return idle(); // waits for restart
                }
                default -> {
                }
            }
            if (state.pauseRequested()) {
                if (state.status() != BackfillStatus.PAUSED) {
                    repository.markPaused(c, migration.id());
                    log.info("expand-contract migration '{}': backfill PAUSED at {} rows", migration.id(), state.rowsProcessed());
                }
                running = false;
                return Math.min(idle(), 500);
            }
            if (!running || state.status() != BackfillStatus.RUNNING) {
                repository.markRunning(c, migration.id(), keyset.estimateRows(c));
                state = repository.load(c, migration.id());
                running = true;
                throttle.start();
                recent.clear();
                log.info("expand-contract migration '{}': backfill {} (~{} rows, batch size {})", migration.id(),
                        state.lastKey() == null ? "started" : "resumed after key " + state.lastKey(), state.rowsTotal(), sizer.size());
            }
            return copyOneWindow(c, state);
        }
    }

    /**
     * Whether a live instance does not write the column this copy fills (forward: one in expand).
     * Rows it writes after the copy passed them would stay stale, so the copy, and the verification
     * after it, wait until it has left; logged once when the wait starts and once when it ends.
     */
    private boolean waitsForFleet(Connection c) throws SQLException {
        List<LiveInstance> blocking = blockers.of(c);
        if (blocking.isEmpty()) {
            if (waitingFor != null) {
                log.info("expand-contract migration '{}': no live instance left that does not write {}; the {} backfill goes ahead",
                        migration.id(), migration.newColumn(), direction.name().toLowerCase(Locale.ROOT));
                waitingFor = null;
            }
            return false;
        }
        String ids = blocking.stream().map(i -> i.instanceId() + " (" + i.phase().configName() + ", " + i.host() + ")").toList().toString();
        if (!ids.equals(waitingFor)) {
            waitingFor = ids;
            log.warn("expand-contract migration '{}': the {} backfill waits: live instance(s) {} do not write {}, so rows they write "
                            + "after the copy passed them would stay stale. It starts by itself once they are gone (redeployed, or "
                            + "dropped out after the heartbeat timeout).", migration.id(), direction.name().toLowerCase(Locale.ROOT),
                    ids, migration.newColumn());
        }
        if (holding) {
            repository.releaseLease(c, migration.id(), owner);
            holding = false;
        }
        return true;
    }

    private long copyOneWindow(Connection c, BackfillProgress state) throws SQLException {
        Object after = keyset.parseKey(state.lastKey());
        int size = sizer.size();
        // sampled when a batch starts, so every interval includes the throttle's wait before it
        double rate = rate(state.rowsProcessed());
        lastRate = rate;
        yieldTo(traffic.trafficSeen(c));
        long start = System.nanoTime();
        BatchCopier.Result result;
        KeysetTable.Window window;
        c.setAutoCommit(false);
        try {
            if (keyset.postgres()) {
                try (Statement s = c.createStatement()) {
                    // a batch never queues long behind a row lock held by the application
                    s.execute("set local lock_timeout = '" + settings.lockTimeout().toMillis() + "ms'");
                }
            }
            window = keyset.nextWindow(c, after, size);
            if (window.rows() == 0) {
                c.commit();
                c.setAutoCommit(true);
                complete(c);
                return 0;
            }
            result = copier.copy(c, after, window);
            List<String> samples = new ArrayList<>(state.sampleFailedIds());
            result.failedIds().stream().limit(Math.max(0, 10 - samples.size())).forEach(samples::add);
            if (!repository.checkpoint(c, migration.id(), owner, settings.leaseDuration(), String.valueOf(window.lastKey()),
                    result, size, rate, samples)) {
                c.rollback();
                running = false;
                holding = false;
                log.warn("expand-contract migration '{}': lost the backfill lease; the window after key {} was rolled back",
                        migration.id(), state.lastKey());
                return idle();
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        observer.backfillBatch(migration.id(), result.scanned(), took);
        sizer.next(window.rows(), took);
        logProgress(state.rowsProcessed() + result.scanned(), state.rowsTotal());
        // a rest never outlasts a third of the lease (a yielding rest needs no renewal: it is short by design)
        long rest = yielding ? Math.min(TrafficMonitor.restMillis(took.toNanos(), settings.trafficDutyCycle()),
                settings.leaseDuration().toMillis() / 3) : 0;
        return Math.max(Math.max(throttle.delayMillisAfter(window.rows()), settings.pauseBetweenBatches().toMillis()), rest);
    }

    /** Switches between full speed and yielding to the application (short batches, bounded share of time). */
    private void yieldTo(boolean trafficSeen) {
        if (trafficSeen == yielding) {
            return;
        }
        yielding = trafficSeen;
        sizer.target(trafficSeen ? settings.trafficBatchTime() : settings.targetBatchTime());
        if (trafficSeen) {
            log.info("expand-contract migration '{}': application traffic on the database ({} sessions, e.g. \"{}\"); the backfill "
                            + "yields: batches of ~{} ms, at most {}% of the time", migration.id(), traffic.sessions(), traffic.example(),
                    settings.trafficBatchTime().toMillis(), Math.round(settings.trafficDutyCycle() * 100));
        } else {
            log.info("expand-contract migration '{}': no application traffic for {} s; the backfill runs at full speed",
                    migration.id(), TrafficMonitor.LINGER.toSeconds());
        }
    }

    private double rate(long processed) {
        long now = System.nanoTime();
        recent.addLast(new long[] {now, processed});
        while (recent.size() > 2 && now - recent.peekFirst()[0] > Duration.ofSeconds(30).toNanos()) {
            recent.removeFirst();
        }
        if (recent.size() < 2) {
            return 0; // unknown until a second batch starts
        }
        long[] first = recent.peekFirst();
        double seconds = (now - first[0]) / 1e9;
        return seconds <= 0 ? 0 : (processed - first[1]) / seconds;
    }

    private void logProgress(long processed, Long total) {
        long now = System.nanoTime();
        if (now - lastProgressLog < settings.progressLogInterval().toNanos()) {
            return;
        }
        lastProgressLog = now;
        double rate = lastRate;
        String eta = total == null || rate <= 0 ? "unknown" : Math.max(0, Math.round((total - processed) / rate)) + "s";
        log.info("expand-contract migration '{}': backfill {}% ({} of ~{} rows), {} rows/s, ETA {}, batch size {}{}",
                migration.id(), total == null || total == 0 ? "?" : String.format("%.1f", Math.min(99.9, 100.0 * processed / total)),
                processed, total == null ? "?" : total, Math.round(rate), eta, sizer.size(),
                yielding ? ", yielding to application traffic" : "");
    }

    private void complete(Connection c) throws SQLException {
        repository.markCompleted(c, migration.id());
        running = false;
        BackfillProgress done = repository.load(c, migration.id());
        log.info("expand-contract migration '{}': backfill COMPLETED: {} rows passed, {} copied, {} failed; verifying",
                migration.id(), done.rowsProcessed(), done.rowsCopied(), done.failedRows());
        verificationDue = true;
    }

    /**
     * A runner that died between completing and verifying, or while verifying: the next lease holder
     * verifies. A verification left RUNNING by a holder that died would otherwise stay RUNNING for
     * ever (and read-new stay refused). Its runner renews the lease while it verifies, so an instance
     * that has just taken the lease over and finds a verification RUNNING knows that its runner is
     * gone and runs it again. (An on-demand verification on another instance may rarely be verified
     * twice this way; both record the same result.)
     */
    private void verifyIfNotDone(Connection c, boolean tookOver) throws SQLException {
        VerificationStatus status = verifications.load(c, migration.id()).status();
        if (status == VerificationStatus.NOT_RUN) {
            verificationDue = true;
        } else if (status == VerificationStatus.RUNNING && tookOver) {
            log.info("expand-contract migration '{}': the verification was left RUNNING by an instance that stopped; verifying again",
                    migration.id());
            verificationDue = true;
        }
    }

    /** Verifies while renewing the lease after each chunk (on the verification's connection), so a long verification keeps it. */
    private void verifyUnderLease() throws SQLException {
        long[] lastRenewal = {System.nanoTime()};
        long every = settings.leaseDuration().toNanos() / 3;
        verifier.verify(migration, (connection, rowsChecked) -> {
            if (System.nanoTime() - lastRenewal[0] >= every) {
                lastRenewal[0] = System.nanoTime();
                if (!repository.tryAcquireLease(connection, migration.id(), owner, settings.leaseDuration())) {
                    log.warn("expand-contract migration '{}': lost the backfill lease while verifying; the verification goes on",
                            migration.id());
                }
            }
        });
    }

    private void release() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            repository.releaseLease(c, migration.id(), owner);
        } catch (SQLException e) {
            log.debug("expand-contract migration '{}': lease not released ({}); it expires by itself", migration.id(), e.toString());
        }
    }

    private static boolean sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
