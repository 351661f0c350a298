package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.actuate.ExpandContractEndpoint;
import io.github.expandcontract.actuate.MigrationReport;
import io.github.expandcontract.autoconfigure.actuate.ExpandContractEndpointAutoConfiguration;
import io.github.expandcontract.autoconfigure.entities.fillnulls.Invoice;
import io.github.expandcontract.backfill.BackfillCoordinator;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The endpoint shows a {@code @FillNulls} migration: one column as old and new, its kind and fill value, the rows filled. */
class FillNullsEndpointTests {

    private static PostgresTestDatabase db;

    @BeforeAll
    static void createSchema() {
        db = PostgresTestDatabase.forClass(FillNullsEndpointTests.class);
        db.execute(Invoice.DDL, "insert into invoices select g, case when g % 4 = 0 then 'USD' end from generate_series(1, 2000) g");
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @Test
    void theReportOfAFillNullsMigration() {
        JpaTestSupport.runner(db, Invoice.class)
                .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class, ExpandContractEndpointAutoConfiguration.class))
                .withPropertyValues("management.endpoints.web.exposure.include=expandcontract",
                        "expand-contract.migrations.invoice-currency.phase=backfill")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    BackfillCoordinator coordinator = context.getBean(BackfillCoordinator.class);
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (coordinator.verification(Invoice.MIGRATION).status() != VerificationStatus.PASSED) {
                        assertThat(System.nanoTime()).as("verification passed in time").isLessThan(deadline);
                        Thread.sleep(50);
                    }
                    MigrationReport report = context.getBean(ExpandContractEndpoint.class).migration(Invoice.MIGRATION);
                    assertThat(report.kind()).isEqualTo("fill-nulls");
                    assertThat(report.fillValue()).isEqualTo("EUR");
                    assertThat(report.oldColumn()).isEqualTo("currency");
                    assertThat(report.newColumn()).isEqualTo("currency");
                    assertThat(report.backfill().rowsCopied()).as("rows filled").isEqualTo(1500);
                    assertThat(report.verification().rowsChecked()).isEqualTo(2000);
                    String json = JsonMapper.builder().findAndAddModules().build().writeValueAsString(report);
                    assertThat(json).contains("\"kind\":\"fill-nulls\"", "\"fillValue\":\"EUR\"", "\"oldColumn\":\"currency\"",
                            "\"newColumn\":\"currency\"", "\"phase\":\"backfill\"");
                });
    }
}
