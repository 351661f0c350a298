package io.github.expandcontract.hibernate;

import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.fleet.HeartbeatSettings;
import io.github.expandcontract.fleet.RolloutSettings;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.state.MigrationStateStore;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationRepository;
import io.github.expandcontract.verify.VerificationResult;
import io.github.expandcontract.verify.VerificationStatus;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.BootstrapServiceRegistryBuilder;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.resource.jdbc.spi.StatementInspector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds plain (non-Spring) Hibernate SessionFactories with the engine, on a test's PostgreSQL schema. */
final class TestSessionFactories {

    private TestSessionFactories() {
    }

    static SessionFactory build(PostgresTestDatabase db, Map<String, Phase> phases, Map<String, Object> extraSettings,
                                Class<?>... entities) {
        return build(db, new ExpandContractIntegrator(new ExpandContractSettings(phases)), extraSettings, entities);
    }

    /**
     * Settings whose migrations all have {@code force-phase}: for tests that run several phases side
     * by side on one schema (each SessionFactory is an instance of its own), which the rolling-deploy
     * rules would refuse.
     */
    static ExpandContractSettings forced(Map<String, Phase> phases) {
        Map<String, RolloutSettings> rollout = new HashMap<>();
        phases.keySet().forEach(id -> rollout.put(id, RolloutSettings.DEFAULTS.withForcePhase(true)));
        return withRollout(phases, rollout);
    }

    /** Settings with the given rolling-deploy rules and this test run's own instance id. */
    static ExpandContractSettings withRollout(Map<String, Phase> phases, Map<String, RolloutSettings> rollout) {
        return new ExpandContractSettings(phases).withFleet(new ExpandContractSettings.Fleet(ExpandContractSettings.defaultInstanceId(),
                HeartbeatSettings.DEFAULTS, rollout));
    }

    static SessionFactory build(PostgresTestDatabase db, ExpandContractIntegrator integrator, Map<String, Object> extraSettings,
                                Class<?>... entities) {
        var bootstrap = new BootstrapServiceRegistryBuilder().applyIntegrator(integrator).build();
        Map<String, Object> settings = new HashMap<>();
        settings.put("jakarta.persistence.jdbc.url", db.jdbcUrl());
        settings.put("jakarta.persistence.jdbc.user", db.user());
        settings.put("jakarta.persistence.jdbc.password", db.password());
        settings.put("hibernate.connection.pool_size", "12");
        settings.put("hibernate.hbm2ddl.auto", "none");
        settings.putAll(extraSettings);
        StandardServiceRegistry registry = new StandardServiceRegistryBuilder(bootstrap).applySettings(settings).build();
        try {
            MetadataSources sources = new MetadataSources(registry);
            for (Class<?> entity : entities) {
                sources.addAnnotatedClass(entity);
            }
            return sources.buildMetadata().buildSessionFactory();
        } catch (RuntimeException e) {
            StandardServiceRegistryBuilder.destroy(registry);
            throw e;
        }
    }

    /**
     * Records a PASSED verification for the migrations, as a completed backfill would, so a test
     * can start them in read-new.
     */
    static void markVerified(PostgresTestDatabase db, String... migrationIds) {
        try (java.sql.Connection c = db.connect()) {
            new MigrationStateStore(true).ensureSchema(c);
            for (String id : migrationIds) {
                new VerificationRepository().save(c, new VerificationResult(id, VerificationStatus.PASSED, 0, 0, List.of(),
                        Instant.now(), Instant.now()));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records every SQL statement Hibernate prepares. */
    static final class SqlLog implements StatementInspector {
        private final List<String> statements = Collections.synchronizedList(new ArrayList<>());

        @Override
        public String inspect(String sql) {
            statements.add(sql);
            return sql;
        }

        void clear() {
            statements.clear();
        }

        List<String> updates() {
            synchronized (statements) {
                return statements.stream().filter(s -> s.trim().toLowerCase(Locale.ROOT).startsWith("update")).toList();
            }
        }

        List<String> all() {
            synchronized (statements) {
                return List.copyOf(statements);
            }
        }
    }
}
