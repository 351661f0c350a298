package io.github.expandcontract.autoconfigure.metrics;

import io.github.expandcontract.autoconfigure.ExpandContractAutoConfiguration;
import io.github.expandcontract.autoconfigure.ExpandContractBackfillAutoConfiguration;
import io.github.expandcontract.backfill.BackfillCoordinator;
import io.github.expandcontract.hibernate.ExpandContractIntegrator;
import io.github.expandcontract.migration.Migration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import java.time.Duration;

/**
 * {@link AutoConfiguration Auto-configuration} of expand-contract's Micrometer meters, when the
 * application has a {@link MeterRegistry}. The engine reports to a
 * {@link MicrometerMigrationObserver}, which the core auto-configuration hands to Hibernate and
 * to the backfill; the progress gauges read the shared state through the
 * {@link BackfillCoordinator}. Needs no Actuator.
 */
@AutoConfiguration(after = { ExpandContractAutoConfiguration.class, ExpandContractBackfillAutoConfiguration.class },
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, ExpandContractIntegrator.class })
public final class ExpandContractMetricsAutoConfiguration {

    /** Scrapes closer together than this share one query of the state table. */
    static final Duration PROGRESS_CACHE_TIME = Duration.ofSeconds(5);

    @Bean
    @ConditionalOnMissingBean
    MicrometerMigrationObserver expandContractMicrometerObserver(MeterRegistry registry) {
        return new MicrometerMigrationObserver(registry);
    }

    /** Every migration's meters at zero once the persistence units (and so the migrations) are known. */
    @Bean
    MeterBinder expandContractMigrationMeters(ExpandContractIntegrator integrator, MicrometerMigrationObserver observer) {
        return registry -> integrator.catalog().all().forEach(migration -> observer.registerMeters(migration.id()));
    }

    @Bean
    @ConditionalOnBean(BackfillCoordinator.class)
    @ConditionalOnMissingBean
    BackfillProgressGauges expandContractBackfillProgressGauges(BackfillCoordinator coordinator,
            ExpandContractIntegrator integrator) {
        return new BackfillProgressGauges(coordinator,
                () -> integrator.catalog().all().stream().map(Migration::id).toList(), PROGRESS_CACHE_TIME);
    }
}
