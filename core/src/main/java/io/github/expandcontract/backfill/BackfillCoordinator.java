package io.github.expandcontract.backfill;

import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.fleet.HeartbeatSettings;
import io.github.expandcontract.fleet.InstanceRepository;
import io.github.expandcontract.migration.Direction;
import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.migration.MigrationCatalog;
import io.github.expandcontract.observe.MigrationObserver;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.state.MigrationState;
import io.github.expandcontract.state.MigrationStateStore;
import io.github.expandcontract.verify.VerificationRepository;
import io.github.expandcontract.verify.VerificationResult;
import io.github.expandcontract.verify.Verifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Runs the backfill of every migration this instance has in phase {@code backfill}, one
 * background thread each, and is the Java API for operating them: pause, resume, restart,
 * verify, and the shared progress. The operations work from any instance that writes both columns
 * (phases dual-write, backfill, read-new): they change the state table, and the instance holding
 * the lease follows it. A request the state does not allow throws {@link OperationRefusedException}
 * and changes nothing.
 */
public final class BackfillCoordinator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BackfillCoordinator.class);

    private final DataSource dataSource;
    private final MigrationCatalog catalog;
    private final Function<String, BackfillSettings> settings;
    private final String instanceId;
    private final Verifier verifier;
    private final MigrationObserver observer;
    private final ExpandContractSettings.Fleet fleet;
    private final BackfillRepository repository = new BackfillRepository();
    private final VerificationRepository verifications = new VerificationRepository();
    private final Map<String, BackfillJob> jobs = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ExecutorService onDemand = Executors.newSingleThreadExecutor(r -> daemon(r, "expand-contract-verify"));

    public BackfillCoordinator(DataSource dataSource, MigrationCatalog catalog, Function<String, BackfillSettings> settings,
                               String instanceId) {
        this(dataSource, catalog, settings, instanceId, MigrationObserver.NONE);
    }

    /** @param observer told of every batch this instance's backfills commit and every mismatch its verifications find */
    public BackfillCoordinator(DataSource dataSource, MigrationCatalog catalog, Function<String, BackfillSettings> settings,
                               String instanceId, MigrationObserver observer) {
        this(dataSource, catalog, settings, new ExpandContractSettings.Fleet(instanceId, HeartbeatSettings.DEFAULTS, Map.of()), observer);
    }

    /**
     * @param fleet this instance's id (the lease owner), the heartbeat timeout (which instances count as live
     *              when the backfill waits for instances in expand) and which migrations run a reverse backfill
     */
    public BackfillCoordinator(DataSource dataSource, MigrationCatalog catalog, Function<String, BackfillSettings> settings,
                               ExpandContractSettings.Fleet fleet, MigrationObserver observer) {
        this.dataSource = dataSource;
        this.catalog = catalog;
        this.settings = settings;
        this.instanceId = fleet.instanceId();
        this.fleet = fleet;
        this.observer = observer;
        this.verifier = new Verifier(dataSource, 10_000, observer);
    }

    /** host:pid:random — unique per process, readable in the state table. */
    public static String defaultInstanceId() {
        return io.github.expandcontract.config.ExpandContractSettings.defaultInstanceId();
    }

    public String instanceId() {
        return instanceId;
    }

    /**
     * Starts a job for every migration in phase backfill, and a reverse job (new copied back to old)
     * for every migration in read-new with {@code reverse-backfill} whose state says it reached contract.
     */
    public synchronized void start() {
        for (Migration migration : catalog.all()) {
            if (migration.phase() == Phase.BACKFILL) {
                startJob(migration, Direction.FORWARD);
            } else if (migration.phase() == Phase.READ_NEW && fleet.rolloutOf(migration.id()).reverseBackfill()) {
                Optional<MigrationState> state = withConnection(c -> new MigrationStateStore(false).load(c, migration.id()));
                if (state.isPresent() && state.get().contractReachedAt() != null) {
                    log.warn("expand-contract migration '{}': reverse-backfill is set after contract (reached {}): copying {} back to {}",
                            migration.id(), state.get().contractReachedAt(), migration.newColumn(), migration.oldColumn());
                    startJob(migration, Direction.REVERSE);
                } else {
                    log.info("expand-contract migration '{}': reverse-backfill is set, but the migration is not past contract; "
                            + "nothing to copy back", migration.id());
                }
            }
        }
    }

    private void startJob(Migration migration, Direction direction) {
        Migration copied = direction.apply(migration);
        if (jobs.containsKey(copied.id())) {
            return;
        }
        // the copy waits while a live instance does not write the column it fills (forward: expand; reverse: contract)
        BackfillJob.Blockers blockers = c -> new InstanceRepository().live(c, migration.id(), fleet.heartbeat().timeout()).stream()
                .filter(i -> direction.blockedBy(i.phase())).toList();
        BackfillJob job = new BackfillJob(dataSource, copied, settings.apply(migration.id()), instanceId, verifier, observer,
                direction, blockers);
        jobs.put(copied.id(), job);
        Thread thread = daemon(job, "expand-contract-backfill-" + copied.id());
        threads.add(thread);
        thread.start();
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Stops the jobs and releases their leases, so another instance can take over at once. */
    @Override
    public synchronized void close() {
        jobs.values().forEach(BackfillJob::stop);
        for (Thread thread : threads) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        onDemand.shutdownNow();
        jobs.clear();
        threads.clear();
    }

    private Migration migration(String id) {
        return catalog.find(id).orElseThrow(() -> new NoSuchElementException("no migration '" + id + "'"));
    }

    public BackfillProgress progress(String id) {
        migration(id);
        return withConnection(c -> repository.load(c, id));
    }

    public VerificationResult verification(String id) {
        migration(id);
        return withConnection(c -> verifications.load(c, id));
    }

    /** The reverse backfill's progress (new copied back to old after contract); NOT_STARTED when none ran. */
    public BackfillProgress reverseProgress(String id) {
        migration(id);
        return withConnection(c -> repository.load(c, Direction.REVERSE.stateId(id)));
    }

    /** The reverse backfill's verification (old compared with the converted new value). */
    public VerificationResult reverseVerification(String id) {
        migration(id);
        return withConnection(c -> verifications.load(c, Direction.REVERSE.stateId(id)));
    }

    /**
     * Runs the reverse backfill again from the first row, then its verification: after a reverse
     * verification that FAILED, or one that started before the last instance in contract left.
     */
    public void restartReverse(String id) {
        operable(id, "restart-reverse");
        String reverseId = Direction.REVERSE.stateId(id);
        withConnection(c -> {
            repository.ensureRow(c, reverseId);
            repository.restart(c, reverseId);
            return null;
        });
        log.info("expand-contract migration '{}': restart of the reverse backfill requested", id);
    }

    /**
     * Operations need an instance that writes both columns: in expand the new column is not
     * written, in contract the old one has gone stale, so neither may copy or compare them. A
     * {@code @FillNulls} column is one column that stays written in contract, so only expand, which
     * does not fill yet, refuses.
     */
    private Migration operable(String id, String action) {
        Migration migration = migration(id);
        Phase phase = migration.phase();
        boolean refused = migration.fillsNulls() ? phase == Phase.EXPAND : !phase.writesOld() || !phase.writesNew();
        if (refused) {
            throw new OperationRefusedException(id, action + " is refused on an instance in phase " + phase.configName()
                    + (phase == Phase.CONTRACT ? ", where the old column is no longer written, so there is nothing left to copy or verify."
                            : ", which does not write the new column yet; run it on an instance in dual-write, backfill or read-new."));
        }
        return migration;
    }

    /** The runner stops after its current batch and keeps its checkpoint. */
    public void pause(String id) {
        operable(id, "pause");
        if (progress(id).status() == BackfillStatus.COMPLETED) {
            throw new OperationRefusedException(id, "the backfill is COMPLETED; there is nothing to pause. "
                    + "Use restart to run it again from the first row.");
        }
        withConnection(c -> {
            repository.ensureRow(c, id);
            repository.requestPause(c, id, true);
            return null;
        });
        log.info("expand-contract migration '{}': pause requested", id);
    }

    public void resume(String id) {
        operable(id, "resume");
        withConnection(c -> {
            repository.requestPause(c, id, false);
            return null;
        });
        log.info("expand-contract migration '{}': resume requested", id);
    }

    /** After a failure: continue from the checkpoint; after completion: run again from the first row. */
    public void restart(String id) {
        operable(id, "restart");
        withConnection(c -> {
            repository.ensureRow(c, id);
            repository.restart(c, id);
            return null;
        });
        log.info("expand-contract migration '{}': restart requested", id);
    }

    /**
     * Runs a verification in the background; the result is also recorded in the state table.
     * Refused while the backfill is RUNNING or PAUSED: the rows after its checkpoint are not copied
     * yet and would all count as mismatches (the backfill verifies by itself when it completes).
     */
    public CompletableFuture<VerificationResult> verify(String id) {
        Migration migration = operable(id, "verify");
        BackfillStatus status = progress(id).status();
        if (status == BackfillStatus.RUNNING || status == BackfillStatus.PAUSED) {
            throw new OperationRefusedException(id, "the backfill is " + status + "; rows after its checkpoint are not copied "
                    + "yet and would all count as mismatches. It verifies by itself when it completes"
                    + (status == BackfillStatus.PAUSED ? "; resume it first." : "."));
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return verifier.verify(migration);
            } catch (SQLException e) {
                throw new IllegalStateException("verification of '" + id + "' failed: " + e.getMessage(), e);
            }
        }, onDemand);
    }

    private interface SqlWork<T> {
        T apply(Connection connection) throws SQLException;
    }

    private <T> T withConnection(SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return work.apply(c);
        } catch (SQLException e) {
            throw new IllegalStateException("expand-contract state table access failed: " + e.getMessage(), e);
        }
    }
}
