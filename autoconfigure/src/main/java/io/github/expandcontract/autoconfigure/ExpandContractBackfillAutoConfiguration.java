package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.backfill.BackfillCoordinator;
import io.github.expandcontract.backfill.BackfillSettings;
import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.hibernate.ExpandContractIntegrator;
import io.github.expandcontract.observe.MigrationObserver;
import jakarta.persistence.EntityManagerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;

import javax.sql.DataSource;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link AutoConfiguration Auto-configuration} of the backfill: a {@link BackfillCoordinator} on the
 * application's DataSource, started once the context is refreshed, for every migration this
 * instance runs in phase backfill. It is also the Java API for pause, resume, restart and verify.
 */
@AutoConfiguration(after = { ExpandContractAutoConfiguration.class, HibernateJpaAutoConfiguration.class })
@ConditionalOnBean({ ExpandContractIntegrator.class, DataSource.class })
public final class ExpandContractBackfillAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    BackfillCoordinator expandContractBackfillCoordinator(DataSource dataSource, ExpandContractIntegrator integrator,
            ObjectProvider<EntityManagerFactory> entityManagerFactories, ExpandContractProperties properties,
            ExpandContractSettings expandContractSettings, ObjectProvider<MigrationObserver> observers) {
        // the catalog is filled while the EntityManagerFactory is built, so build it first
        entityManagerFactories.orderedStream().forEach(emf -> { });
        Map<String, BackfillSettings> settings = new HashMap<>();
        // validated now, so a bad value fails startup naming its property rather than when a backfill starts
        properties.getMigrations().forEach((id, migration) -> {
            try {
                settings.put(id, migration.getBackfill().toSettings());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("expand-contract.migrations." + id + ".backfill: " + e.getMessage(), e);
            }
        });
        // the lease owner is the instance's id in the fleet table, so the endpoint can tell who runs the backfill
        return new BackfillCoordinator(dataSource, integrator.catalog(),
                id -> settings.getOrDefault(id, BackfillSettings.DEFAULTS), expandContractSettings.fleet(),
                MigrationObserver.of(observers.orderedStream().toList()));
    }

    @Bean
    @ConditionalOnMissingBean(name = "expandContractBackfillLifecycle")
    SmartLifecycle expandContractBackfillLifecycle(BackfillCoordinator coordinator) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                coordinator.start();
                running = true;
            }

            @Override
            public void stop() {
                coordinator.close();
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }
        };
    }
}
