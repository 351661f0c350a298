package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.fleet.InstanceRegistry;
import io.github.expandcontract.hibernate.ExpandContractIntegrator;
import jakarta.persistence.EntityManagerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;

import javax.sql.DataSource;

/**
 * {@link AutoConfiguration Auto-configuration} of this instance's entry in the fleet table: an
 * {@link InstanceRegistry} that registers the instance with its phase per migration when the
 * context starts, renews the entry on a heartbeat, and removes it when the context stops. Every
 * instance with the library enabled registers, whatever its phases.
 */
@AutoConfiguration(after = { ExpandContractAutoConfiguration.class, HibernateJpaAutoConfiguration.class },
        before = ExpandContractBackfillAutoConfiguration.class)
@ConditionalOnBean({ ExpandContractIntegrator.class, DataSource.class })
public final class ExpandContractFleetAutoConfiguration {

    /**
     * Starts before and stops after the web server (and the backfill), so the instance is listed
     * for as long as it may serve requests.
     */
    static final int LIFECYCLE_PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    InstanceRegistry expandContractInstanceRegistry(DataSource dataSource, ExpandContractIntegrator integrator,
            ObjectProvider<EntityManagerFactory> entityManagerFactories, ExpandContractSettings settings) {
        // the catalog is filled while the EntityManagerFactory is built, so build it first
        entityManagerFactories.orderedStream().forEach(emf -> { });
        // the same id the SessionFactory registered under when it checked the rolling-deploy rules
        return new InstanceRegistry(dataSource, integrator.catalog(), settings.fleet().instanceId(), settings.fleet().heartbeat());
    }

    @Bean
    @ConditionalOnMissingBean(name = "expandContractInstanceRegistryLifecycle")
    SmartLifecycle expandContractInstanceRegistryLifecycle(InstanceRegistry registry) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                registry.start();
                running = true;
            }

            @Override
            public void stop() {
                registry.close();
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return LIFECYCLE_PHASE;
            }
        };
    }
}
