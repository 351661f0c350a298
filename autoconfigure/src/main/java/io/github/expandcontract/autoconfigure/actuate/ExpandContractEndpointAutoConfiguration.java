package io.github.expandcontract.autoconfigure.actuate;

import io.github.expandcontract.actuate.ExpandContractEndpoint;
import io.github.expandcontract.actuate.ExpandContractEndpointWebExtension;
import io.github.expandcontract.autoconfigure.ExpandContractBackfillAutoConfiguration;
import io.github.expandcontract.autoconfigure.ExpandContractFleetAutoConfiguration;
import io.github.expandcontract.backfill.BackfillCoordinator;
import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.fleet.InstanceRegistry;
import io.github.expandcontract.hibernate.ExpandContractIntegrator;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link AutoConfiguration Auto-configuration} of the {@code expandcontract} Actuator endpoint.
 * Boot's exposure ({@code management.endpoints.web.exposure.include}) and access settings apply;
 * its default access is read-only.
 */
@AutoConfiguration(after = { ExpandContractBackfillAutoConfiguration.class, ExpandContractFleetAutoConfiguration.class })
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean({ ExpandContractIntegrator.class, BackfillCoordinator.class, InstanceRegistry.class })
public final class ExpandContractEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    ExpandContractEndpoint expandContractEndpoint(ExpandContractIntegrator integrator, BackfillCoordinator coordinator,
            InstanceRegistry instances, ExpandContractSettings settings) {
        return new ExpandContractEndpoint(integrator::catalog, coordinator, instances, ExpandContractEndpoint.DEFAULT_VERIFY_WAIT,
                settings.fleet()::rolloutOf);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(ExpandContractEndpoint.class)
    @ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
    ExpandContractEndpointWebExtension expandContractEndpointWebExtension(ExpandContractEndpoint endpoint) {
        return new ExpandContractEndpointWebExtension(endpoint);
    }
}
