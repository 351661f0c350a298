package io.github.expandcontract.hibernate;

import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.fleet.InstanceRepository;
import io.github.expandcontract.fleet.StartupGate;
import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.migration.MigrationCatalog;
import io.github.expandcontract.observe.MigrationObserver;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.state.MigrationStateStore;
import org.hibernate.SessionFactory;
import org.hibernate.SessionFactoryObserver;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.spi.BootstrapContext;
import org.hibernate.engine.jdbc.connections.spi.JdbcConnectionAccess;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.event.service.spi.EventListenerRegistry;
import org.hibernate.event.spi.EventType;
import org.hibernate.integrator.spi.Integrator;
import org.hibernate.metamodel.mapping.AttributeMapping;
import org.hibernate.persister.entity.EntityPersister;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Wires the engine into one Hibernate {@code SessionFactory}.
 * <p>
 * While the factory is being built (before its runtime metamodel exists) it finds every
 * {@code @DualWrite} field, validates it and takes the column a phase must not write out of the
 * INSERT and UPDATE statements ({@code expand}: the new column; {@code contract}: the old one).
 * Once the factory exists it checks the real database schema and arms the event listeners.
 * <p>
 * Register it with {@code BootstrapServiceRegistryBuilder.applyIntegrator(..)} or the
 * {@code hibernate.integrator_provider} setting; the Spring Boot starter does this for you.
 */
public final class ExpandContractIntegrator implements Integrator {

    private static final Logger log = LoggerFactory.getLogger(ExpandContractIntegrator.class);

    private final ExpandContractSettings settings;
    private final MigrationObserver observer;
    private volatile MigrationCatalog catalog = new MigrationCatalog(List.of());

    public ExpandContractIntegrator(ExpandContractSettings settings) {
        this(settings, MigrationObserver.NONE);
    }

    /** @param observer told of every dual write and fallback read, e.g. for metrics */
    public ExpandContractIntegrator(ExpandContractSettings settings, MigrationObserver observer) {
        this.settings = settings;
        this.observer = observer;
    }

    /** The migrations found in the persistence units built with this integrator; empty until one is built. */
    public MigrationCatalog catalog() {
        return catalog;
    }

    @Override
    public void integrate(Metadata metadata, BootstrapContext bootstrapContext, SessionFactoryImplementor sessionFactory) {
        List<Migration> migrations = new MigrationDiscovery(settings, metadata, sessionFactory::getWrapperOptions).discover();
        this.catalog = catalog.with(migrations);
        if (migrations.isEmpty()) {
            return;
        }
        // one listener per SessionFactory: its bindings are that factory's persisters
        DualWriteEventListener listener = new DualWriteEventListener(observer);
        EventListenerRegistry registry = sessionFactory.getEventListenerRegistry();
        registry.appendListeners(EventType.PRE_LOAD, listener);
        // before Hibernate's own flush listener, i.e. before its dirty check
        registry.prependListeners(EventType.FLUSH_ENTITY, listener);
        registry.prependListeners(EventType.PRE_INSERT, listener);
        registry.prependListeners(EventType.PRE_UPDATE, listener);
        // after the statement ran: what was really written is counted
        registry.appendListeners(EventType.POST_INSERT, listener);
        registry.appendListeners(EventType.POST_UPDATE, listener);
        FillNullsEventListener fillNulls = new FillNullsEventListener(observer);
        if (migrations.stream().anyMatch(Migration::fillsNulls)) {
            registry.appendListeners(EventType.PRE_LOAD, fillNulls);
            registry.prependListeners(EventType.FLUSH_ENTITY, fillNulls);
            registry.prependListeners(EventType.PRE_INSERT, fillNulls);
            registry.prependListeners(EventType.PRE_UPDATE, fillNulls);
        }
        AtomicReference<ScheduledExecutorService> keepAlive = new AtomicReference<>();
        sessionFactory.addObserver(new SessionFactoryObserver() {
            @Override
            public void sessionFactoryCreated(SessionFactory factory) {
                // runs after Hibernate's own schema export (if any), so the schema check sees its tables
                SessionFactoryImplementor sfi = factory.unwrap(SessionFactoryImplementor.class);
                Set<String> readNewPastContract = new SchemaCheck(migrations, new MigrationStateStore(settings.initializeSchema()),
                        settings.fleet()).run(openConnection(sfi));
                // before the listeners are armed, i.e. before any dual write
                new ConverterRoundTripCheck(migrations, settings.roundTripSampleSize()).run(openConnection(sfi));
                listener.bind(bindPersisters(sfi, migrations, settings, observer, readNewPastContract));
                fillNulls.bind(sfi, migrations);
                keepAlive.set(keepInFleet(sfi));
                migrations.forEach(ExpandContractIntegrator::logSummary);
            }

            @Override
            public void sessionFactoryClosing(SessionFactory factory) {
                // the start registered this instance in the fleet; an InstanceRegistry may have removed it already
                ScheduledExecutorService heartbeat = keepAlive.getAndSet(null);
                if (heartbeat != null) {
                    heartbeat.shutdownNow();
                }
                leaveFleet(factory.unwrap(SessionFactoryImplementor.class));
            }
        });
    }

    /**
     * Renews this instance's fleet entry, which the startup gate has just written, on the heartbeat
     * interval until the SessionFactory closes. Without it the entry would age from the gate until an
     * application's own heartbeat starts (Spring's InstanceRegistry starts with the context's
     * lifecycle, a plain Hibernate application may have none), and a slow start would look dead to
     * another instance starting meanwhile, which could then start two phases away.
     */
    private ScheduledExecutorService keepInFleet(SessionFactoryImplementor sfi) {
        ConnectionSupplier connections = openConnection(sfi);
        InstanceRepository instances = new InstanceRepository();
        String instanceId = settings.fleet().instanceId();
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "expand-contract-fleet-keepalive");
            thread.setDaemon(true);
            return thread;
        });
        long every = settings.fleet().heartbeat().interval().toMillis();
        heartbeat.scheduleWithFixedDelay(() -> {
            try {
                Connection c = connections.get();
                try {
                    c.setAutoCommit(true);
                    instances.heartbeat(c, instanceId);
                } finally {
                    connections.release(c);
                }
            } catch (SQLException | RuntimeException e) {
                log.debug("expand-contract: fleet heartbeat of {} failed ({}); retried in {} ms", instanceId, e.toString(), every);
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return heartbeat;
    }

    private void leaveFleet(SessionFactoryImplementor sfi) {
        ConnectionSupplier connections = openConnection(sfi);
        try {
            Connection c = connections.get();
            try {
                c.setAutoCommit(true);
                new StartupGate(new MigrationStateStore(false), settings.fleet()).leave(c);
            } finally {
                connections.release(c);
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("expand-contract: could not remove instance {} from the fleet ({}); it drops out after {}",
                    settings.fleet().instanceId(), e.toString(), settings.fleet().heartbeat().timeout());
        }
    }

    private static ConnectionSupplier openConnection(SessionFactoryImplementor sfi) {
        JdbcConnectionAccess access = sfi.getJdbcServices().getBootstrapJdbcConnectionAccess();
        return new ConnectionSupplier() {
            @Override
            public Connection get() throws SQLException {
                return access.obtainConnection();
            }

            @Override
            public void release(Connection connection) throws SQLException {
                access.releaseConnection(connection);
            }
        };
    }

    /** Resolves each migration's properties to state-array positions of every entity persister. */
    private static Map<EntityPersister, List<PropertyPair>> bindPersisters(SessionFactoryImplementor sfi, List<Migration> migrations,
                                                                           ExpandContractSettings settings, MigrationObserver observer, Set<String> readNewPastContract) {
        Map<EntityPersister, List<PropertyPair>> pairs = new IdentityHashMap<>();
        for (Migration migration : migrations) {
            if (migration.fillsNulls()) {
                continue; // one column, no pair: FillNullsEventListener's
            }
            // shared by the migration's persisters: one conflict warning, one rate limit per migration
            AtomicBoolean warned = new AtomicBoolean();
            ConversionErrors errors = new ConversionErrors(migration, settings.onConversionErrorOf(migration.id()), observer);
            for (String entityName : migration.entityNames()) {
                EntityPersister persister = sfi.getMappingMetamodel().getEntityDescriptor(entityName);
                AttributeMapping oldAttribute = persister.findAttributeMapping(migration.oldProperty());
                AttributeMapping newAttribute = persister.findAttributeMapping(migration.newProperty());
                int oldIndex = oldAttribute.getStateArrayPosition();
                int newIndex = newAttribute.getStateArrayPosition();
                pairs.computeIfAbsent(persister, p -> new ArrayList<>()).add(new PropertyPair(migration, oldIndex, newIndex,
                        persister.getPropertyTypes()[oldIndex], persister.getPropertyTypes()[newIndex], warned, errors,
                        // read-new on the way back from contract: the old column is stale until the reverse copy ends
                        migration.phase().fallsBackToOld() && !readNewPastContract.contains(migration.id())));
            }
        }
        return pairs;
    }

    private static void logSummary(Migration m) {
        if (m.fillsNulls()) {
            log.info("expand-contract migration '{}': {}.{} (table {}, column {}) becomes NOT NULL, NULL written as {}; in phase {} "
                            + "writes {}, loads {}", m.id(), m.entity(), m.newProperty(), m.table(), m.newColumn(), m.fillValue(),
                    m.phase().configName(), m.phase() == Phase.EXPAND ? "unchanged" : "the value instead of NULL",
                    m.phase().readsNew() ? "show the value instead of NULL" : "unchanged");
            return;
        }
        log.info("expand-contract migration '{}': {}.{} -> {} (table {}: {} -> {}) in phase {}: writes {}, reads {}",
                m.id(), m.entity(), m.oldProperty(), m.newProperty(), m.table(), m.oldColumn(), m.newColumn(),
                m.phase().configName(),
                m.phase().writesOld() && m.phase().writesNew() ? "old and new" : m.phase().writesOld() ? "old only" : "new only",
                m.phase().fallsBackToOld() ? "new, falling back to old where new is NULL" : m.phase().readsNew() ? "new" : "old");
    }

    /** Opens and releases the connection the schema check uses. */
    interface ConnectionSupplier {
        Connection get() throws SQLException;

        void release(Connection connection) throws SQLException;

        /** Runs the work on a connection in auto-commit mode, then restores the mode and releases it. */
        default void inAutoCommit(ConnectionWork work) throws SQLException {
            Connection connection = get();
            try {
                boolean autoCommit = connection.getAutoCommit();
                connection.setAutoCommit(true);
                try {
                    work.run(connection);
                } finally {
                    connection.setAutoCommit(autoCommit);
                }
            } finally {
                release(connection);
            }
        }
    }

    /** Work on a JDBC connection. */
    @FunctionalInterface
    interface ConnectionWork {
        void run(Connection connection) throws SQLException;
    }
}
