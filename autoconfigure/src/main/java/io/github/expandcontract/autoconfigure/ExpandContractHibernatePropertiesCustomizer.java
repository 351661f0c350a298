package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.hibernate.BypassWarningStatementInspector;
import io.github.expandcontract.hibernate.ExpandContractIntegrator;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.resource.jdbc.spi.StatementInspector;
import org.hibernate.jpa.boot.spi.IntegratorProvider;
import org.hibernate.jpa.boot.spi.JpaSettings;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

import java.util.Map;

/**
 * Registers the {@link ExpandContractIntegrator} through the {@value JpaSettings#INTEGRATOR_PROVIDER}
 * setting. An integrator provider the application configured already (an instance, a
 * {@code Class} or a class name) is kept: the provider set here returns its integrators plus
 * expand-contract's. Likewise the application's statement inspector is wrapped, not replaced, by
 * a {@link BypassWarningStatementInspector} that reports bulk and native writes of one column.
 * <p>
 * The interceptor setting ({@code hibernate.session_factory.interceptor}) is left to the
 * application; the engine works with event listeners.
 */
public final class ExpandContractHibernatePropertiesCustomizer implements HibernatePropertiesCustomizer, BeanClassLoaderAware {

    private final ExpandContractIntegrator integrator;

    private @Nullable ClassLoader classLoader = ClassUtils.getDefaultClassLoader();

    public ExpandContractHibernatePropertiesCustomizer(ExpandContractIntegrator integrator) {
        this.integrator = integrator;
    }

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    @Override
    public void customize(Map<String, Object> hibernateProperties) {
        IntegratorProvider applicationProvider =
                resolve(JpaSettings.INTEGRATOR_PROVIDER, hibernateProperties.get(JpaSettings.INTEGRATOR_PROVIDER), IntegratorProvider.class);
        hibernateProperties.put(JpaSettings.INTEGRATOR_PROVIDER,
                new CompositeIntegratorProvider(applicationProvider, this.integrator));
        Object inspector = hibernateProperties.get(AvailableSettings.STATEMENT_INSPECTOR);
        if (!(inspector instanceof BypassWarningStatementInspector)) {
            // the application's inspector (if any) keeps running first; ours only watches for bypasses
            hibernateProperties.put(AvailableSettings.STATEMENT_INSPECTOR, BypassWarningStatementInspector.wrap(this.integrator,
                    resolve(AvailableSettings.STATEMENT_INSPECTOR, inspector, StatementInspector.class)));
        }
    }

    /** Resolves a setting the way Hibernate would, but eagerly, so a bad value fails with its name. */
    private <T> @Nullable T resolve(String key, @Nullable Object value, Class<T> expected) {
        if (value == null) {
            return null;
        }
        if (expected.isInstance(value)) {
            return expected.cast(value);
        }
        if (value instanceof String name && !StringUtils.hasText(name)) {
            return null;
        }
        Class<?> type = null;
        if (value instanceof Class<?> valueClass) {
            type = valueClass;
        }
        else if (value instanceof String name) {
            try {
                type = ClassUtils.forName(name.trim(), this.classLoader);
            }
            catch (ClassNotFoundException | LinkageError ex) {
                throw new IllegalArgumentException(key + ": cannot load class '" + name + "'", ex);
            }
        }
        if (type == null || !expected.isAssignableFrom(type)) {
            throw new IllegalArgumentException(key + " must be a " + expected.getName()
                    + ", its Class or its class name, but is " + value + " (" + value.getClass().getName() + ")");
        }
        return expected.cast(BeanUtils.instantiateClass(type));
    }
}
