package io.github.expandcontract.autoconfigure.actuate;

import io.github.expandcontract.actuate.ExpandContractHealthIndicator;
import io.github.expandcontract.autoconfigure.ExpandContractBackfillAutoConfiguration;
import io.github.expandcontract.backfill.BackfillCoordinator;
import io.github.expandcontract.hibernate.ExpandContractIntegrator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@link AutoConfiguration Auto-configuration} of the {@code expandcontract} health contributor:
 * DOWN when a backfill FAILED or a verification found mismatches. Off with
 * {@code management.health.expandcontract.enabled=false}.
 */
@AutoConfiguration(after = ExpandContractBackfillAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean({ ExpandContractIntegrator.class, BackfillCoordinator.class })
@ConditionalOnEnabledHealthIndicator("expandcontract")
public final class ExpandContractHealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "expandcontractHealthIndicator")
    ExpandContractHealthIndicator expandcontractHealthIndicator(ExpandContractIntegrator integrator,
            BackfillCoordinator coordinator) {
        return new ExpandContractHealthIndicator(integrator::catalog, coordinator);
    }
}
