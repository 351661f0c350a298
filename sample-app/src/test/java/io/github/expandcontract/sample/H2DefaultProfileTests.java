package io.github.expandcontract.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.annotation.DirtiesContext;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default configuration, exactly as {@code ./mvnw -pl sample-app spring-boot:run} starts it
 * on a fresh machine: no profile, H2 in memory, Liquibase schema, 100,000 seeded customers, both
 * migrations in phase dual-write from application.yml (only the port is random here).
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class H2DefaultProfileTests {

    @Value("${local.server.port}")
    int port;

    @Autowired
    DataSource dataSource;

    @Test
    void startsOnH2AndServesTheSeededCustomers(CapturedOutput output) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            assertThat(connection.getMetaData().getURL()).startsWith("jdbc:h2:mem:");
        }
        SampleApi api = new SampleApi(port);

        SampleApi.Response page = api.get("/customers?size=3");

        assertThat(page.status()).isEqualTo(200);
        assertThat(((Number) page.get("totalElements")).longValue()).isEqualTo(100_000);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> content = (List<Map<String, Object>>) page.get("content");
        assertThat(content).extracting(c -> c.get("name"), c -> c.get("email"), c -> c.get("creditLimitCents"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Customer 1", "customer1@example.com", 101),
                        org.assertj.core.groups.Tuple.tuple("Customer 2", "customer2@example.com", 202),
                        org.assertj.core.groups.Tuple.tuple("Customer 3", "customer3@example.com", 303));
        // dual-write reads the old columns and shows them in both fields of each migration
        assertThat(content).allSatisfy(c -> {
            assertThat(c.get("emailAddress")).isNotNull().isEqualTo(c.get("email"));
            assertThat(((Number) c.get("creditLimit")).doubleValue() * 100).isEqualTo(((Number) c.get("creditLimitCents")).doubleValue());
        });

        // the startup line tells the user what to try, with the port the app really listens on
        assertThat(output.getAll()).contains("curl -s http://localhost:" + port + "/customers")
                .contains("runs in phase dual-write");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theActuatorEndpointAndHealthWorkOnH2() {
        SampleApi api = new SampleApi(port);
        SampleApi.Response migration = api.get("/actuator/expandcontract/customer-email");
        assertThat(migration.status()).isEqualTo(200);
        assertThat(migration.json()).containsEntry("phase", "dual-write");
        assertThat((Map<String, Object>) migration.get("backfill")).containsEntry("status", "NOT_STARTED");
        assertThat((List<Map<String, Object>>) migration.get("instances")).singleElement()
                .satisfies(instance -> assertThat(instance).containsEntry("phase", "dual-write").containsEntry("thisInstance", true));

        SampleApi.Response health = api.get("/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat((Map<String, Object>) ((Map<String, Object>) health.get("components")).get("expandcontract"))
                .containsEntry("status", "UP");
        // the application.yml leaves the endpoint read-only
        assertThat(api.post("/actuator/expandcontract/customer-email", Map.of("action", "pause")).status()).isEqualTo(405);
    }

    @Test
    void defaultPhaseIsDualWrite() {
        CustomerRows rows = new CustomerRows(this::connect);
        // the seeded rows are the old application's: old columns only, for the backfill to copy
        assertThat(rows.count("email_address is null and credit_limit is null")).isEqualTo(100_000);

        long id = new SampleApi(port).post("/customers", Map.of("name", "Edsger", "emailAddress", "edsger@example.com",
                "creditLimit", 12.5)).id();
        try {
            CustomerRows.Row row = rows.find(id);
            assertThat(row.email()).isEqualTo("edsger@example.com");
            assertThat(row.emailAddress()).isEqualTo("edsger@example.com");
            assertThat(row.creditLimitCents()).isEqualTo(1250);
            assertThat(row.creditLimit()).isEqualByComparingTo("12.50");
        } finally {
            // leave the demo data as it was for the other test of this class
            assertThat(new SampleApi(port).delete("/customers/" + id).status()).isEqualTo(204);
        }
    }

    @Test
    void theStatusPageShowsBothMigrationsOnH2() {
        SampleApi.Response page = new SampleApi(port).getHtml("/status");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"migration-customer-email\"").contains("id=\"migration-customer-credit-limit\"")
                .contains("customers: credit_limit_cents &rarr; credit_limit")
                .contains("all 1 instance(s) in dual-write").contains("backfill not started")
                .contains("next: backfill, one rolling deploy")
                .contains("no traffic generator");
    }

    private Connection connect() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
