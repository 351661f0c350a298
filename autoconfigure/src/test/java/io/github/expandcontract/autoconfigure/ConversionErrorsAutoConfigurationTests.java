package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.actuate.ExpandContractEndpoint;
import io.github.expandcontract.actuate.MigrationReport;
import io.github.expandcontract.autoconfigure.actuate.ExpandContractEndpointAutoConfiguration;
import io.github.expandcontract.autoconfigure.entities.reading.Reading;
import io.github.expandcontract.backfill.BackfillCoordinator;
import io.github.expandcontract.verify.VerificationStatus;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;

import java.time.Duration;
import java.util.List;

import static io.github.expandcontract.autoconfigure.JpaTestSupport.inTransaction;
import static io.github.expandcontract.autoconfigure.metrics.MicrometerMigrationObserver.CONVERSION_ERRORS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Spring Boot application with a shipped converter: a value that does not convert reaches the
 * Actuator endpoint as a failed backfill row and a verification mismatch, and a {@code write-null}
 * dual write reaches the {@value io.github.expandcontract.autoconfigure.metrics.MicrometerMigrationObserver#CONVERSION_ERRORS}
 * meter.
 */
class ConversionErrorsAutoConfigurationTests {

    static PostgresTestDatabase db;

    @BeforeAll
    static void createSchema() {
        db = PostgresTestDatabase.forClass(ConversionErrorsAutoConfigurationTests.class);
        db.execute(Reading.DDL);
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @BeforeEach
    void seed() {
        db.execute("delete from readings", "insert into readings select g, (g * 3)::text, null from generate_series(1, 500) g",
                "update readings set value_text = 'broken' where id = 250",
                "drop table if exists expand_contract_backfill", "drop table if exists expand_contract_verification",
                "drop table if exists expand_contract_migration");
    }

    @Test
    void aRowThatDoesNotConvertIsAFailedRowAndAMismatchInTheEndpoint() {
        JpaTestSupport.runner(db, Reading.class)
                .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class, ExpandContractEndpointAutoConfiguration.class))
                .withPropertyValues("expand-contract.migrations.reading-value.phase=backfill",
                        "management.endpoints.web.exposure.include=expandcontract")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    BackfillCoordinator coordinator = context.getBean(BackfillCoordinator.class);
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (coordinator.verification(Reading.MIGRATION).status() != VerificationStatus.FAILED) {
                        assertThat(System.nanoTime()).as("verification finished in time").isLessThan(deadline);
                        Thread.sleep(50);
                    }
                    MigrationReport report = context.getBean(ExpandContractEndpoint.class).migration(Reading.MIGRATION);
                    assertThat(report.backfill().failedRows()).isEqualTo(1);
                    assertThat(report.backfill().sampleFailedIds()).isEqualTo(List.of("250"));
                    assertThat(report.verification().mismatches()).isEqualTo(1);
                    assertThat(report.verification().sampleMismatchIds()).isEqualTo(List.of("250"));
                });
        assertThat(db.row("readings", 250L)).containsEntry("value_text", "broken").containsEntry("value", null);
    }

    @Test
    void writeNullIsBoundAndCountedInTheMeter() {
        JpaTestSupport.runner(db, Reading.class).withConfiguration(MetricsAutoConfigurationTests.BOOT_METRICS)
                .withPropertyValues("expand-contract.migrations.reading-value.phase=dual-write",
                        "expand-contract.migrations.reading-value.on-conversion-error=write-null")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get(CONVERSION_ERRORS).tag("migration", Reading.MIGRATION).counter().count()).isZero();
                    inTransaction(context, em -> {
                        em.persist(new Reading(9001L, "n/a"));
                        em.persist(new Reading(9002L, "17"));
                    });
                    assertThat(registry.get(CONVERSION_ERRORS).tag("migration", Reading.MIGRATION).counter().count()).isEqualTo(1.0);
                });
        assertThat(db.row("readings", 9001L)).containsEntry("value_text", "n/a").containsEntry("value", null);
        assertThat(db.row("readings", 9002L)).containsEntry("value_text", "17").containsEntry("value", 17L);
    }
}
