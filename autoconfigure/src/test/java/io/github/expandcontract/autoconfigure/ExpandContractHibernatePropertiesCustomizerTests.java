package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.hibernate.BypassWarningStatementInspector;
import io.github.expandcontract.hibernate.ExpandContractIntegrator;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.resource.jdbc.spi.StatementInspector;
import org.hibernate.cfg.SessionEventSettings;
import org.hibernate.integrator.spi.Integrator;
import org.hibernate.jpa.boot.spi.IntegratorProvider;
import org.hibernate.jpa.boot.spi.JpaSettings;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** How the customizer composes with an integrator provider the application already set. */
class ExpandContractHibernatePropertiesCustomizerTests {

    private final ExpandContractIntegrator ours = new ExpandContractIntegrator(ExpandContractSettings.allExpand());

    private final ExpandContractHibernatePropertiesCustomizer customizer = new ExpandContractHibernatePropertiesCustomizer(ours);

    @Test
    void withoutAnApplicationProviderRegistersOnlyOurs() {
        assertThat(integratorsAfterCustomizing(null)).containsExactly(ours);
    }

    @Test
    void blankClassNameCountsAsUnset() {
        assertThat(integratorsAfterCustomizing("  ")).containsExactly(ours);
    }

    @Test
    void keepsAnApplicationProviderInstance() {
        assertThat(integratorsAfterCustomizing(new AppProvider())).containsExactly(AppProvider.APP, ours);
    }

    @Test
    void keepsAnApplicationProviderClass() {
        assertThat(integratorsAfterCustomizing(AppProvider.class)).containsExactly(AppProvider.APP, ours);
    }

    @Test
    void keepsAnApplicationProviderClassName() {
        assertThat(integratorsAfterCustomizing(" " + AppProvider.class.getName() + " ")).containsExactly(AppProvider.APP, ours);
    }

    @Test
    void customizingTwiceRegistersOursOnce() {
        Map<String, Object> properties = new HashMap<>(Map.of(JpaSettings.INTEGRATOR_PROVIDER, new AppProvider()));
        customizer.customize(properties);
        customizer.customize(properties);
        assertThat(provider(properties).getIntegrators()).containsExactly(AppProvider.APP, ours);
    }

    @Test
    void leavesTheInterceptorSettingAlone() {
        Map<String, Object> properties = new HashMap<>();
        customizer.customize(properties);
        assertThat(properties).containsOnlyKeys(JpaSettings.INTEGRATOR_PROVIDER, AvailableSettings.STATEMENT_INSPECTOR)
                .doesNotContainKey(SessionEventSettings.INTERCEPTOR);
        Object appInterceptor = new Object();
        properties.put(SessionEventSettings.INTERCEPTOR, appInterceptor);
        customizer.customize(properties);
        assertThat(properties.get(SessionEventSettings.INTERCEPTOR)).isSameAs(appInterceptor);
    }

    @Test
    void rejectsAValueThatIsNoIntegratorProvider() {
        assertThatIllegalArgumentException().isThrownBy(() -> integratorsAfterCustomizing(42))
                .withMessageContaining(JpaSettings.INTEGRATOR_PROVIDER).withMessageContaining("42");
        assertThatIllegalArgumentException().isThrownBy(() -> integratorsAfterCustomizing(String.class.getName()))
                .withMessageContaining(JpaSettings.INTEGRATOR_PROVIDER).withMessageContaining("java.lang.String");
        assertThatIllegalArgumentException().isThrownBy(() -> integratorsAfterCustomizing("com.example.NoSuchProvider"))
                .withMessageContaining(JpaSettings.INTEGRATOR_PROVIDER).withMessageContaining("com.example.NoSuchProvider");
    }

    @Test
    void wrapsTheApplicationsStatementInspectorWhichStillRunsFirst() {
        for (Object appValue : new Object[] {new UpperCaseInspector(), UpperCaseInspector.class, UpperCaseInspector.class.getName()}) {
            Map<String, Object> properties = new HashMap<>(Map.of(AvailableSettings.STATEMENT_INSPECTOR, appValue));
            customizer.customize(properties);
            customizer.customize(properties); // wrapped once, not twice
            Object inspector = properties.get(AvailableSettings.STATEMENT_INSPECTOR);
            assertThat(inspector).isInstanceOf(BypassWarningStatementInspector.class);
            assertThat(((StatementInspector) inspector).inspect("select 1")).as("the application's inspector's result is used")
                    .isEqualTo("SELECT 1");
        }
    }

    @Test
    void installsTheBypassInspectorWhenTheApplicationHasNone() {
        Map<String, Object> properties = new HashMap<>();
        customizer.customize(properties);
        assertThat(properties.get(AvailableSettings.STATEMENT_INSPECTOR)).isInstanceOf(BypassWarningStatementInspector.class);
        assertThat(((StatementInspector) properties.get(AvailableSettings.STATEMENT_INSPECTOR)).inspect("select 1")).isEqualTo("select 1");
    }

    @Test
    void rejectsAValueThatIsNoStatementInspector() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> customizer.customize(new HashMap<>(Map.of(AvailableSettings.STATEMENT_INSPECTOR, "java.lang.String"))))
                .withMessageContaining(AvailableSettings.STATEMENT_INSPECTOR).withMessageContaining("java.lang.String");
    }

    public static class UpperCaseInspector implements StatementInspector {
        @Override
        public String inspect(String sql) {
            return sql.toUpperCase(java.util.Locale.ROOT);
        }
    }

    private List<Integrator> integratorsAfterCustomizing(Object applicationValue) {
        Map<String, Object> properties = new HashMap<>();
        if (applicationValue != null) {
            properties.put(JpaSettings.INTEGRATOR_PROVIDER, applicationValue);
        }
        customizer.customize(properties);
        return provider(properties).getIntegrators();
    }

    private static IntegratorProvider provider(Map<String, Object> properties) {
        assertThat(properties.get(JpaSettings.INTEGRATOR_PROVIDER)).isInstanceOf(IntegratorProvider.class);
        return (IntegratorProvider) properties.get(JpaSettings.INTEGRATOR_PROVIDER);
    }

    public static class AppProvider implements IntegratorProvider {

        static final Integrator APP = new Integrator() {
        };

        @Override
        public List<Integrator> getIntegrators() {
            return List.of(APP);
        }
    }
}
