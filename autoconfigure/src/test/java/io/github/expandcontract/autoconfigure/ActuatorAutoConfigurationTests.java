package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.actuate.ExpandContractEndpoint;
import io.github.expandcontract.actuate.ExpandContractEndpointWebExtension;
import io.github.expandcontract.actuate.ExpandContractHealthIndicator;
import io.github.expandcontract.actuate.MigrationReport;
import io.github.expandcontract.autoconfigure.actuate.ExpandContractEndpointAutoConfiguration;
import io.github.expandcontract.autoconfigure.actuate.ExpandContractHealthContributorAutoConfiguration;
import io.github.expandcontract.autoconfigure.entities.owner.Owner;
import io.github.expandcontract.backfill.BackfillCoordinator;
import io.github.expandcontract.backfill.BackfillStatus;
import io.github.expandcontract.migration.Direction;
import io.github.expandcontract.state.MigrationStateStore;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationRepository;
import io.github.expandcontract.verify.VerificationResult;
import io.github.expandcontract.verify.VerificationStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jmx.JmxEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jmx.JmxAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The endpoint and the health contributor appear only with the Actuator classes, follow Boot's
 * exposure and enablement settings, and work over JMX; the health goes DOWN on a failed
 * verification or backfill.
 */
@SuppressWarnings("unchecked")
class ActuatorAutoConfigurationTests {

    private static PostgresTestDatabase db;

    @BeforeAll
    static void createSchema() {
        db = PostgresTestDatabase.forClass(ActuatorAutoConfigurationTests.class);
        db.execute(Owner.DDL, "insert into owners select g, '555-' || g, null from generate_series(1, 2000) g");
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    private static ApplicationContextRunner runner() {
        return JpaTestSupport.runner(db, Owner.class)
                .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
                        ExpandContractEndpointAutoConfiguration.class, ExpandContractHealthContributorAutoConfiguration.class));
    }

    @Test
    void theEndpointNeedsExposureAndTheActuatorClasses() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).as("not exposed by default").doesNotHaveBean(ExpandContractEndpoint.class);
            assertThat(context).hasSingleBean(ExpandContractHealthIndicator.class);
        });
        runner().withPropertyValues("management.endpoints.jmx.exposure.include=expandcontract", "spring.jmx.enabled=true")
                .run(context -> {
                    assertThat(context).hasSingleBean(ExpandContractEndpoint.class);
                    assertThat(context).as("the web extension is for HTTP exposure only")
                            .doesNotHaveBean(ExpandContractEndpointWebExtension.class);
                });
        runner().withPropertyValues("management.endpoints.web.exposure.include=expandcontract")
                .run(context -> assertThat(context).hasSingleBean(ExpandContractEndpoint.class));
        runner().withPropertyValues("management.endpoints.web.exposure.include=expandcontract")
                .withClassLoader(new FilteredClassLoader(Endpoint.class))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(ExpandContractEndpoint.class);
                });
    }

    @Test
    void withoutMigrationsTheEndpointListsNoneAndTheHealthIsUp() {
        try (PostgresTestDatabase plain = PostgresTestDatabase.forClass(ActuatorAutoConfigurationTests.class)) {
            plain.execute(io.github.expandcontract.autoconfigure.entities.plain.Note.DDL);
            JpaTestSupport.runner(plain, io.github.expandcontract.autoconfigure.entities.plain.Note.class)
                    .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
                            ExpandContractEndpointAutoConfiguration.class, ExpandContractHealthContributorAutoConfiguration.class))
                    .withPropertyValues("management.endpoints.web.exposure.include=expandcontract")
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        // no migration, so no state table was created; the endpoint must not query one
                        assertThat(context.getBean(ExpandContractEndpoint.class).migrations().migrations()).isEmpty();
                        assertThat(context.getBean(ExpandContractHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
                    });
        }
    }

    /** After contract the reverse copy (new back to old) needs an operator just like the forward one. */
    @Test
    void theHealthGoesDownWhenTheReverseVerificationFailed() {
        runner().withPropertyValues("expand-contract.migrations.owner-phone.phase=dual-write").run(context -> {
            assertThat(context).hasNotFailed();
            HealthIndicator health = context.getBean(ExpandContractHealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            String reverseId = Direction.REVERSE.stateId(Owner.MIGRATION);
            try (Connection c = db.connect()) {
                new VerificationRepository().save(c, new VerificationResult(reverseId, VerificationStatus.FAILED, 2000, 3,
                        List.of("7", "8", "9"), Instant.now().minusSeconds(5), Instant.now()));
            }
            try {
                Health down = health.health();
                assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                assertThat((Map<Object, Object>) (Map<?, ?>) down.getDetails().get(Owner.MIGRATION))
                        .containsEntry("reverseVerification", VerificationStatus.FAILED).containsEntry("reverseMismatches", 3L);
            } finally {
                db.execute("delete from " + MigrationStateStore.VERIFICATION_TABLE + " where migration_id = '" + reverseId + "'");
            }
        });
    }

    @Test
    void theHealthContributorFollowsItsEnabledPropertyAndTheHealthClasses() {
        runner().withPropertyValues("management.health.expandcontract.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ExpandContractHealthIndicator.class));
        runner().withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(ExpandContractHealthIndicator.class);
                });
    }

    @Test
    void theEndpointWorksOverJmxAndTheHealthGoesDownOnFailures() {
        runner().withConfiguration(AutoConfigurations.of(JmxAutoConfiguration.class, JmxEndpointAutoConfiguration.class))
                .withPropertyValues("management.endpoints.jmx.exposure.include=expandcontract", "spring.jmx.enabled=true",
                        "spring.jmx.unique-names=true", "management.endpoint.expandcontract.access=UNRESTRICTED", // upper case: no relaxed enum conversion in a context runner
                       
                        "expand-contract.migrations.owner-phone.phase=backfill")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    BackfillCoordinator coordinator = context.getBean(BackfillCoordinator.class);
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (coordinator.verification(Owner.MIGRATION).status() != VerificationStatus.PASSED) {
                        assertThat(System.nanoTime()).as("verification passed in time").isLessThan(deadline);
                        Thread.sleep(50);
                    }
                    HealthIndicator health = context.getBean(ExpandContractHealthIndicator.class);
                    Health up = health.health();
                    assertThat(up.getStatus()).isEqualTo(Status.UP);
                    assertThat(up.getDetails()).containsKey(Owner.MIGRATION);
                    assertThat((Map<Object, Object>) (Map<?, ?>) up.getDetails().get(Owner.MIGRATION)).containsEntry("phase", "backfill")
                            .containsEntry("backfill", BackfillStatus.COMPLETED).containsEntry("verification", VerificationStatus.PASSED);

                    // JMX: the read operation, then verify after a row was corrupted behind the library's back
                    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
                    Set<ObjectName> names = server.queryNames(new ObjectName("org.springframework.boot:type=Endpoint,name=Expandcontract,*"), null);
                    assertThat(names).hasSize(1);
                    ObjectName name = names.iterator().next();
                    Object read = server.invoke(name, "migration", new Object[] {Owner.MIGRATION}, new String[] {String.class.getName()});
                    assertThat(read).asString().contains("COMPLETED").contains("PASSED");

                    db.execute("update owners set phone_number = 'tampered' where id = 7");
                    Object verified = server.invoke(name, "operate", new Object[] {Owner.MIGRATION, "verify"},
                            new String[] {String.class.getName(), String.class.getName()});
                    assertThat(verified).asString().contains("FAILED").contains("mismatches=1");

                    Health down = health.health();
                    assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                    assertThat((Map<Object, Object>) (Map<?, ?>) down.getDetails().get(Owner.MIGRATION)).containsEntry("verification", VerificationStatus.FAILED)
                            .containsEntry("mismatches", 1L);

                    // a FAILED backfill is DOWN too, with its error
                    db.execute("update owners set phone_number = telephone where id = 7");
                    assertThat(coordinator.verify(Owner.MIGRATION).get().status()).isEqualTo(VerificationStatus.PASSED);
                    assertThat(health.health().getStatus()).isEqualTo(Status.UP);
                    db.execute("update expand_contract_backfill set status = 'FAILED', last_error = 'disk full'");
                    Health failed = health.health();
                    assertThat(failed.getStatus()).isEqualTo(Status.DOWN);
                    assertThat((Map<Object, Object>) (Map<?, ?>) failed.getDetails().get(Owner.MIGRATION)).containsEntry("lastError", "disk full");

                    // a verification that outlasts the wait is answered 202, and finishes in the background
                    ExpandContractEndpointWebExtension impatient = new ExpandContractEndpointWebExtension(new ExpandContractEndpoint(
                            context.getBean(io.github.expandcontract.hibernate.ExpandContractIntegrator.class)::catalog, coordinator,
                            context.getBean(io.github.expandcontract.fleet.InstanceRegistry.class), Duration.ZERO));
                    db.execute("update expand_contract_backfill set status = 'COMPLETED', last_error = null");
                    var accepted = impatient.operate(Owner.MIGRATION, "verify");
                    assertThat(accepted.getStatus()).isEqualTo(202);
                    long verifyDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (coordinator.verification(Owner.MIGRATION).status() != VerificationStatus.PASSED) {
                        assertThat(System.nanoTime()).as("verification passed in time").isLessThan(verifyDeadline);
                        Thread.sleep(50);
                    }

                    // the Java side of the endpoint: unknown ids and actions are refused without a change
                    ExpandContractEndpoint endpoint = context.getBean(ExpandContractEndpoint.class);
                    assertThat(endpoint.migration("no-such")).isNull();
                    assertThatThrownBy(() -> endpoint.operate("no-such", "pause")).isInstanceOf(InvalidEndpointRequestException.class)
                            .hasMessageContaining("No migration 'no-such'").hasMessageContaining(Owner.MIGRATION);
                    assertThatThrownBy(() -> endpoint.operate(Owner.MIGRATION, "explode"))
                            .isInstanceOf(InvalidEndpointRequestException.class)
                            .hasMessageContaining("pause, resume, verify, restart");
                    MigrationReport report = endpoint.migration(Owner.MIGRATION);
                    assertThat(report.backfill().pauseRequested()).isFalse();
                    assertThat(report.instances()).singleElement().satisfies(instance -> {
                        assertThat(instance.thisInstance()).isTrue();
                        assertThat(instance.phase()).isEqualTo("backfill");
                    });
                });
    }
}
