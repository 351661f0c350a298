package io.github.expandcontract.fleet;

import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.migration.MigrationCatalog;
import io.github.expandcontract.state.MigrationStateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This instance's entry in the fleet: while it runs, it records its id, host and the phase it runs
 * each migration in, and renews that record on a heartbeat (a daemon thread). Every instance with
 * the library enabled registers, whatever its phases. A clean {@link #close()} removes the entry at
 * once; an instance that dies drops out of {@link #liveInstances(String)} after the heartbeat
 * timeout.
 * <p>
 * The list is read from the database on every call, so any instance sees the whole fleet, itself
 * included: during a rolling deploy, old and new instances side by side with their phases.
 */
public final class InstanceRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InstanceRegistry.class);

    /** Rows of instances not seen for this long are deleted when an instance starts. */
    static final Duration PURGE_AFTER = Duration.ofDays(1);

    private final DataSource dataSource;
    private final MigrationCatalog catalog;
    private final String instanceId;
    private final String host;
    private final HeartbeatSettings settings;
    private final InstanceRepository repository = new InstanceRepository();
    private ScheduledExecutorService heartbeats;
    private volatile boolean failing;

    /**
     * @param catalog    the migrations this instance runs, with their phases
     * @param instanceId unique per process; the backfill coordinator should use the same one
     */
    public InstanceRegistry(DataSource dataSource, MigrationCatalog catalog, String instanceId, HeartbeatSettings settings) {
        this.dataSource = dataSource;
        this.catalog = catalog;
        this.instanceId = instanceId;
        this.host = localHostName();
        this.settings = settings;
    }

    public String instanceId() {
        return instanceId;
    }

    public String host() {
        return host;
    }

    public HeartbeatSettings settings() {
        return settings;
    }

    /** This machine's host name, or {@code unknown-host}. */
    public static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown-host";
        }
    }

    /**
     * Registers this instance for every migration and starts the heartbeat. Without migrations
     * there is nothing to announce (and the state tables need not exist).
     *
     * @throws IllegalStateException when the fleet table cannot be written
     */
    public synchronized void start() {
        if (heartbeats != null || catalog.all().isEmpty()) {
            return;
        }
        try (Connection c = connection()) {
            int purged = repository.purgeOlderThan(c, PURGE_AFTER);
            if (purged > 0) {
                log.debug("expand-contract: removed {} fleet entries of instances not seen for {}", purged, PURGE_AFTER);
            }
            registerAll(c);
        } catch (SQLException e) {
            throw new IllegalStateException("expand-contract could not register this instance in "
                    + MigrationStateStore.INSTANCE_TABLE + ": " + e.getMessage(), e);
        }
        heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "expand-contract-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        long every = settings.interval().toMillis();
        heartbeats.scheduleWithFixedDelay(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
        log.info("expand-contract: instance {} on {} registered for {} migration(s); heartbeat every {}, live for {}",
                instanceId, host, catalog.all().size(), settings.interval(), settings.timeout());
    }

    private void registerAll(Connection c) throws SQLException {
        for (Migration migration : catalog.all()) {
            repository.register(c, instanceId, migration.id(), migration.phase(), host);
        }
    }

    /** Renews this instance's entries; re-creates them if they are gone (e.g. deleted by hand). */
    void heartbeat() {
        try (Connection c = connection()) {
            if (repository.heartbeat(c, instanceId) != catalog.all().size()) {
                registerAll(c);
            }
            if (failing) {
                failing = false;
                log.info("expand-contract: heartbeat of instance {} recorded again", instanceId);
            }
        } catch (SQLException | RuntimeException e) {
            if (!failing) {
                failing = true;
                log.warn("expand-contract: heartbeat of instance {} failed ({}); other instances will list it as gone "
                        + "after {} unless a later heartbeat succeeds", instanceId, e.toString(), settings.timeout());
            }
        }
    }

    /** The live instances running the migration (this one included), oldest first. */
    public List<LiveInstance> liveInstances(String migrationId) {
        try (Connection c = connection()) {
            return repository.live(c, migrationId, settings.timeout());
        } catch (SQLException e) {
            throw new IllegalStateException("expand-contract could not read the live instances of '" + migrationId + "': "
                    + e.getMessage(), e);
        }
    }

    /** The live instances of every migration that has any, by migration id. */
    public Map<String, List<LiveInstance>> liveInstances() {
        try (Connection c = connection()) {
            return repository.live(c, settings.timeout());
        } catch (SQLException e) {
            throw new IllegalStateException("expand-contract could not read the live instances: " + e.getMessage(), e);
        }
    }

    /** What the rolling-deploy rules say about the migration now (see {@link FleetDecision}). */
    public FleetDecision decision(Migration migration, RolloutSettings rollout) {
        try (Connection c = connection()) {
            FleetDecision decision = FleetDecision.of(c, migration, rollout, settings.timeout());
            log.debug("expand-contract migration '{}': fleet {}: read-new {}, contract {}", migration.id(), decision.phases(),
                    decision.readNewAllowed() ? "allowed" : "refused", decision.contractAllowed() ? "allowed" : "refused");
            return decision;
        } catch (SQLException e) {
            throw new IllegalStateException("expand-contract could not read the fleet state of '" + migration.id() + "': "
                    + e.getMessage(), e);
        }
    }

    /** The latest starts with force-phase for the migration, newest first. */
    public List<OverrideLog.Override> overrides(String migrationId, int limit) {
        try (Connection c = connection()) {
            return new OverrideLog().recent(c, migrationId, limit);
        } catch (SQLException e) {
            throw new IllegalStateException("expand-contract could not read the overrides of '" + migrationId + "': "
                    + e.getMessage(), e);
        }
    }

    /** Stops the heartbeat and removes this instance's entries, so it leaves the list at once. */
    @Override
    public synchronized void close() {
        if (heartbeats == null) {
            return;
        }
        heartbeats.shutdownNow();
        try {
            heartbeats.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        heartbeats = null;
        try (Connection c = connection()) {
            repository.remove(c, instanceId);
            log.info("expand-contract: instance {} left the fleet", instanceId);
        } catch (SQLException e) {
            log.warn("expand-contract: could not remove instance {} from the fleet ({}); it drops out after {}", instanceId,
                    e.toString(), settings.timeout());
        }
    }

    private Connection connection() throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(true);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }
}
