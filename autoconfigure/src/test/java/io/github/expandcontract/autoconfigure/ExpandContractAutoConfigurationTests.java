package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.autoconfigure.entities.owner.Owner;
import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.hibernate.ExpandContractIntegrator;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.util.Map;

import static io.github.expandcontract.autoconfigure.JpaTestSupport.inTransaction;
import static org.assertj.core.api.Assertions.assertThat;

/** When the auto-configuration applies, and that the application can replace its beans. */
class ExpandContractAutoConfigurationTests {

    private static PostgresTestDatabase db;

    /** Only the auto-configuration itself: enough to see which beans it defines. */
    private final ApplicationContextRunner alone = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ExpandContractAutoConfiguration.class));

    @BeforeAll
    static void createSchema() {
        db = PostgresTestDatabase.forClass(ExpandContractAutoConfigurationTests.class);
        db.execute(Owner.DDL);
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @Test
    void definesItsBeansByDefault() {
        alone.run(context -> assertThat(context).hasNotFailed()
                .hasSingleBean(ExpandContractProperties.class)
                .hasSingleBean(ExpandContractSettings.class)
                .hasSingleBean(ExpandContractIntegrator.class)
                .hasSingleBean(ExpandContractHibernatePropertiesCustomizer.class));
    }

    @Test
    void applicationSettingsReplaceTheBoundOnes() {
        ExpandContractSettings own = new ExpandContractSettings(Map.of(Owner.MIGRATION, Phase.READ_NEW));
        alone.withBean(ExpandContractSettings.class, () -> own).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(ExpandContractSettings.class)).isSameAs(own);
        });
    }

    @Test
    void anotherHibernatePropertiesCustomizerDoesNotReplaceOurs() {
        alone.withBean(HibernatePropertiesCustomizer.class, () -> properties -> { })
                .run(context -> assertThat(context).hasSingleBean(ExpandContractHibernatePropertiesCustomizer.class));
    }

    @Test
    void backsOffWhenDisabledAndDualWritesNothing() {
        db.execute("delete from owners");
        JpaTestSupport.runner(db, Owner.class)
                .withPropertyValues("expand-contract.enabled=false", "expand-contract.migrations.owner-phone.phase=dual-write")
                .run(context -> {
                    assertThat(context).hasNotFailed()
                            .doesNotHaveBean(ExpandContractIntegrator.class)
                            .doesNotHaveBean(ExpandContractSettings.class)
                            .doesNotHaveBean(ExpandContractHibernatePropertiesCustomizer.class)
                            .doesNotHaveBean(ExpandContractProperties.class);
                    inTransaction(context, em -> em.persist(new Owner(1L, "555-0199")));
                    assertThat(db.row("owners", 1L)).containsEntry("telephone", "555-0199").containsEntry("phone_number", null);
                });
    }

    @Test
    void backsOffWithoutHibernate() {
        alone.withClassLoader(new FilteredClassLoader(SessionFactoryImplementor.class))
                .run(context -> assertThat(context).hasNotFailed()
                        .doesNotHaveBean(ExpandContractIntegrator.class)
                        .doesNotHaveBean(ExpandContractSettings.class)
                        .doesNotHaveBean(ExpandContractHibernatePropertiesCustomizer.class)
                        .doesNotHaveBean(ExpandContractProperties.class));
    }

    @Test
    void backsOffWithoutSpringBootHibernate() {
        alone.withClassLoader(new FilteredClassLoader(HibernatePropertiesCustomizer.class))
                .run(context -> assertThat(context).hasNotFailed()
                        .doesNotHaveBean(ExpandContractIntegrator.class)
                        .doesNotHaveBean(ExpandContractHibernatePropertiesCustomizer.class));
    }
}
