package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.actuate.ExpandContractEndpoint;
import io.github.expandcontract.actuate.ExpandContractHealthIndicator;
import io.github.expandcontract.autoconfigure.actuate.ExpandContractEndpointAutoConfiguration;
import io.github.expandcontract.autoconfigure.actuate.ExpandContractHealthContributorAutoConfiguration;
import io.github.expandcontract.autoconfigure.entities.owner.Owner;
import io.github.expandcontract.autoconfigure.metrics.BackfillProgressGauges;
import io.github.expandcontract.autoconfigure.metrics.ExpandContractMetricsAutoConfiguration;
import io.github.expandcontract.autoconfigure.metrics.MicrometerMigrationObserver;
import io.github.expandcontract.backfill.BackfillCoordinator;
import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.fleet.InstanceRegistry;
import io.github.expandcontract.hibernate.ExpandContractIntegrator;
import io.github.expandcontract.observe.MigrationObserver;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.github.expandcontract.autoconfigure.JpaTestSupport.inTransaction;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configuration backs off cleanly, all of it at once as an application gets it: without
 * JPA, when disabled, without Micrometer (everything but the meters works) and without the
 * Actuator (everything but the endpoint works, meters included).
 */
class AutoConfigurationBackOffTests {

    static PostgresTestDatabase db;

    @BeforeAll
    static void createSchema() {
        db = PostgresTestDatabase.forClass(AutoConfigurationBackOffTests.class);
        db.execute(Owner.DDL);
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @BeforeEach
    void emptyTable() {
        db.execute("delete from owners");
    }

    /** JPA, all of expand-contract and Boot's Micrometer auto-configuration, the migration in dual-write. */
    private static ApplicationContextRunner application() {
        return JpaTestSupport.runner(db, Owner.class)
                .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class, ExpandContractMetricsAutoConfiguration.class,
                        ExpandContractEndpointAutoConfiguration.class, ExpandContractHealthContributorAutoConfiguration.class))
                .withPropertyValues("expand-contract.migrations.owner-phone.phase=dual-write",
                        "management.endpoints.web.exposure.include=expandcontract");
    }

    private static void assertNoLibraryBeans(AssertableApplicationContext context) {
        assertThat(context).hasNotFailed()
                .doesNotHaveBean(ExpandContractProperties.class)
                .doesNotHaveBean(ExpandContractSettings.class)
                .doesNotHaveBean(ExpandContractIntegrator.class)
                .doesNotHaveBean(ExpandContractHibernatePropertiesCustomizer.class)
                .doesNotHaveBean(BackfillCoordinator.class)
                .doesNotHaveBean(MigrationObserver.class)
                .doesNotHaveBean(BackfillProgressGauges.class)
                .doesNotHaveBean(InstanceRegistry.class)
                .doesNotHaveBean(ExpandContractEndpoint.class)
                .doesNotHaveBean(ExpandContractHealthIndicator.class);
    }

    private static void assertExpandContractWorks(AssertableApplicationContext context) {
        assertThat(context).hasNotFailed()
                .hasSingleBean(ExpandContractIntegrator.class)
                .hasSingleBean(ExpandContractHibernatePropertiesCustomizer.class)
                .hasSingleBean(BackfillCoordinator.class);
        inTransaction(context, em -> em.persist(new Owner(1L, "555-0101")));
        assertThat(db.row("owners", 1L)).as("dual-written").containsEntry("telephone", "555-0101")
                .containsEntry("phone_number", "555-0101");
        assertThat(context.getBean(BackfillCoordinator.class).progress(Owner.MIGRATION)).isNotNull();
    }

    @Test
    void withoutJpaNothingOfTheLibraryIsDefined() {
        application().withClassLoader(new FilteredClassLoader("org.hibernate", "jakarta.persistence"))
                .run(context -> {
                    assertNoLibraryBeans(context);
                    assertThat(context.getBean(MeterRegistry.class).find("expandcontract.dual.writes").meters()).isEmpty();
                });
    }

    @Test
    void whenDisabledNothingOfTheLibraryIsDefined() {
        application().withPropertyValues("expand-contract.enabled=false").run(context -> {
            assertNoLibraryBeans(context);
            assertThat(context.getBean(MeterRegistry.class).find("expandcontract.dual.writes").meters()).isEmpty();
            inTransaction(context, em -> em.persist(new Owner(1L, "555-0101")));
            assertThat(db.row("owners", 1L)).containsEntry("phone_number", null);
        });
    }

    @Test
    void withoutMicrometerEverythingButTheMetersWorks() {
        application().withClassLoader(new FilteredClassLoader("io.micrometer")).run(context -> {
            assertExpandContractWorks(context);
            assertThat(context).doesNotHaveBean(MicrometerMigrationObserver.class).doesNotHaveBean(BackfillProgressGauges.class)
                    .doesNotHaveBean("expandContractMigrationMeters")
                    .hasSingleBean(ExpandContractEndpoint.class).hasSingleBean(ExpandContractHealthIndicator.class);
        });
    }

    @Test
    void withMicrometerButNoRegistryBeanNoMetersAreDefined() {
        JpaTestSupport.runner(db, Owner.class)
                .withConfiguration(AutoConfigurations.of(ExpandContractMetricsAutoConfiguration.class))
                .withPropertyValues("expand-contract.migrations.owner-phone.phase=dual-write")
                .run(context -> {
                    assertExpandContractWorks(context);
                    assertThat(context).doesNotHaveBean(MicrometerMigrationObserver.class);
                });
    }

    @Test
    void withoutTheActuatorEverythingButTheEndpointWorksMetersIncluded() {
        application().withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate")).run(context -> {
            assertExpandContractWorks(context);
            assertThat(context).hasSingleBean(MicrometerMigrationObserver.class).hasSingleBean(BackfillProgressGauges.class)
                    .doesNotHaveBean(ExpandContractEndpoint.class);
            assertThat(context.getBean(MeterRegistry.class).get("expandcontract.dual.writes").tag("migration", Owner.MIGRATION)
                    .counter().count()).isEqualTo(1.0);
        });
    }
}
