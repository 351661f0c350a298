package io.github.expandcontract.autoconfigure;

import org.hibernate.integrator.spi.Integrator;
import org.hibernate.jpa.boot.spi.IntegratorProvider;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.List;

/** The application's integrators (if any), then expand-contract's. */
final class CompositeIntegratorProvider implements IntegratorProvider {

    private final @Nullable IntegratorProvider applicationProvider;

    private final Integrator integrator;

    CompositeIntegratorProvider(@Nullable IntegratorProvider applicationProvider, Integrator integrator) {
        this.applicationProvider = applicationProvider;
        this.integrator = integrator;
    }

    @Override
    public List<Integrator> getIntegrators() {
        List<Integrator> integrators = new ArrayList<>();
        if (this.applicationProvider != null) {
            integrators.addAll(this.applicationProvider.getIntegrators());
        }
        // customizing the same properties twice wraps a composite in another: register ours once
        if (!integrators.contains(this.integrator)) {
            integrators.add(this.integrator);
        }
        return integrators;
    }
}
