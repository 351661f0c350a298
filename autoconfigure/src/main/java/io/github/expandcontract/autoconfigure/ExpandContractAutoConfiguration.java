package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.fleet.HeartbeatSettings;
import io.github.expandcontract.fleet.RolloutSettings;
import io.github.expandcontract.hibernate.ExpandContractIntegrator;
import io.github.expandcontract.observe.MigrationObserver;
import io.github.expandcontract.phase.Phase;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.context.annotation.Bean;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@link AutoConfiguration Auto-configuration} of expand-contract: registers the engine's
 * Hibernate integrator with the JPA {@code EntityManagerFactory} that Spring Boot builds. Every
 * {@link MigrationObserver} bean (such as the Micrometer one) is told of the engine's work.
 */
@AutoConfiguration(before = HibernateJpaAutoConfiguration.class)
@ConditionalOnClass({ SessionFactoryImplementor.class, HibernatePropertiesCustomizer.class })
@ConditionalOnBooleanProperty(name = "expand-contract.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ExpandContractProperties.class)
public final class ExpandContractAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ExpandContractSettings expandContractSettings(ExpandContractProperties properties) {
        Map<String, Phase> phases = new LinkedHashMap<>();
        Map<String, RolloutSettings> rollout = new LinkedHashMap<>();
        // every configured id is passed on, so that the engine rejects ids no entity declares
        properties.getMigrations().forEach((id, migration) -> {
            phases.put(id, Objects.requireNonNullElse(migration.getPhase(), Phase.EXPAND));
            rollout.put(id, migration.toRolloutSettings());
        });
        HeartbeatSettings heartbeat;
        try {
            heartbeat = properties.getInstances().toSettings();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expand-contract.instances: " + e.getMessage()
                    + ". Fix: set expand-contract.instances.timeout longer than expand-contract.instances.heartbeat-interval.", e);
        }
        // one id per application context: its fleet entry, its backfill lease and its override records
        ExpandContractSettings settings = new ExpandContractSettings(phases,
                properties.getJdbc().getInitializeSchema() == ExpandContractProperties.InitializeSchema.ALWAYS)
                .withRoundTripSampleSize(properties.getRoundTripCheck().getSampleSize())
                .withFleet(new ExpandContractSettings.Fleet(ExpandContractSettings.defaultInstanceId(), heartbeat, rollout));
        for (Map.Entry<String, ExpandContractProperties.MigrationProperties> entry : properties.getMigrations().entrySet()) {
            ExpandContractProperties.MigrationProperties migration = entry.getValue();
            if (migration.getOnConversionError() != null) {
                settings = settings.withOnConversionError(entry.getKey(), migration.getOnConversionError());
            }
            if (migration.getZone() != null) {
                settings = settings.withZone(entry.getKey(), migration.getZone());
            }
        }
        return settings;
    }

    @Bean
    @ConditionalOnMissingBean
    ExpandContractIntegrator expandContractIntegrator(ExpandContractSettings settings,
            ObjectProvider<MigrationObserver> observers) {
        return new ExpandContractIntegrator(settings, MigrationObserver.of(observers.orderedStream().toList()));
    }

    @Bean
    @ConditionalOnMissingBean
    ExpandContractHibernatePropertiesCustomizer expandContractHibernatePropertiesCustomizer(
            ExpandContractIntegrator integrator) {
        return new ExpandContractHibernatePropertiesCustomizer(integrator);
    }
}
