package io.github.expandcontract.backfill;

import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.fleet.HeartbeatSettings;
import io.github.expandcontract.fleet.RolloutSettings;
import io.github.expandcontract.hibernate.ExpandContractIntegrator;
import io.github.expandcontract.migration.MigrationCatalog;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationResult;
import io.github.expandcontract.verify.VerificationStatus;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.BootstrapServiceRegistryBuilder;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared plumbing of the backfill integration tests: a SessionFactory in a phase, polling, plain-JDBC counts. */
final class BackfillTestSupport {

    private BackfillTestSupport() {
    }

    /** An open SessionFactory and the migrations its integrator found. */
    record Started(SessionFactory sessionFactory, MigrationCatalog catalog) implements AutoCloseable {
        @Override
        public void close() {
            sessionFactory.close();
        }
    }

    /** Builds a plain Hibernate SessionFactory with the engine, the migration in the given phase. */
    static Started start(PostgresTestDatabase db, String migration, Phase phase, Class<?>... entities) {
        return start(db, new ExpandContractSettings(Map.of(migration, phase)), entities);
    }

    /** Builds a plain Hibernate SessionFactory with the engine configured by {@code engine}. */
    static Started start(PostgresTestDatabase db, ExpandContractSettings engine, Class<?>... entities) {
        ExpandContractIntegrator integrator = new ExpandContractIntegrator(engine);
        Map<String, Object> settings = new HashMap<>();
        settings.put("jakarta.persistence.jdbc.url", db.jdbcUrl());
        settings.put("jakarta.persistence.jdbc.user", db.user());
        settings.put("jakarta.persistence.jdbc.password", db.password());
        settings.put("hibernate.connection.pool_size", "8");
        settings.put("hibernate.hbm2ddl.auto", "none");
        StandardServiceRegistry registry = new StandardServiceRegistryBuilder(
                new BootstrapServiceRegistryBuilder().applyIntegrator(integrator).build()).applySettings(settings).build();
        try {
            MetadataSources sources = new MetadataSources(registry);
            for (Class<?> entity : entities) {
                sources.addAnnotatedClass(entity);
            }
            SessionFactory sf = sources.buildMetadata().buildSessionFactory();
            return new Started(sf, integrator.catalog());
        } catch (RuntimeException e) {
            StandardServiceRegistryBuilder.destroy(registry);
            throw e;
        }
    }

    /** The catalog of a SessionFactory built in the phase and closed again (the state tables stay). */
    static MigrationCatalog catalog(PostgresTestDatabase db, String migration, Phase phase, Class<?>... entities) {
        try (Started started = start(db, migration, phase, entities)) {
            return started.catalog();
        }
    }

    /**
     * The catalog of a SessionFactory started with {@code force-phase} in the phase: for a test that needs
     * an instance in a phase the rolling-deploy rules would refuse on a fresh schema (e.g. contract).
     */
    static MigrationCatalog forcedCatalog(PostgresTestDatabase db, String migration, Phase phase, Class<?>... entities) {
        ExpandContractSettings settings = new ExpandContractSettings(Map.of(migration, phase)).withFleet(
                new ExpandContractSettings.Fleet(ExpandContractSettings.defaultInstanceId(), HeartbeatSettings.DEFAULTS,
                        Map.of(migration, RolloutSettings.DEFAULTS.withForcePhase(true))));
        try (Started started = start(db, settings, entities)) {
            return started.catalog();
        }
    }

    /** Polls (every 20 ms) until the condition holds; fails with the description after the timeout. */
    static void await(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    /**
     * Waits for the backfill to complete, failing at once if it FAILED, and keeps {@code frontier}
     * at its latest checkpoint (numeric keys), so that writers can aim just ahead of it.
     */
    static void awaitCompleted(BackfillCoordinator coordinator, String migration, AtomicLong frontier, Duration timeout)
            throws InterruptedException {
        await("backfill of '" + migration + "' COMPLETED", () -> {
            BackfillProgress p = coordinator.progress(migration);
            assertThat(p.status()).as("backfill status (last error: %s)", p.lastError()).isNotEqualTo(BackfillStatus.FAILED);
            if (p.lastKey() != null) {
                frontier.set(Long.parseLong(p.lastKey()));
            }
            return p.status() == BackfillStatus.COMPLETED;
        }, timeout);
    }

    /** Waits for the verification that follows a completed backfill to finish, and returns it. */
    static VerificationResult awaitVerification(BackfillCoordinator coordinator, String migration, Duration timeout)
            throws InterruptedException {
        await("verification of '" + migration + "' finished", () -> {
            VerificationStatus status = coordinator.verification(migration).status();
            return status == VerificationStatus.PASSED || status == VerificationStatus.FAILED;
        }, timeout);
        return coordinator.verification(migration);
    }

    /** {@code select count(*) from <table> where <where>} over plain JDBC. */
    static long count(PostgresTestDatabase db, String table, String where) {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from " + table + " where " + where)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
