package io.github.expandcontract.sample;

import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The REST API on PostgreSQL in phase dual-write (both migrations): whichever field a client
 * sends, both columns hold it (checked with plain JDBC), and reads show the two fields equal.
 */
@ExtendWith(CloseDatabasesAfterSpringContext.class) // first: its after-all runs after the context is closed
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "expand-contract.migrations.customer-email.phase=dual-write",
        "expand-contract.migrations.customer-credit-limit.phase=dual-write",
        "sample.seed.rows=0"})
@ActiveProfiles("postgres")
@DirtiesContext
class DualWriteApiTests {

    static final PostgresTestDatabase DB = PostgresTestDatabase.forClass(DualWriteApiTests.class);

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DB::jdbcUrl);
        registry.add("spring.datasource.username", DB::user);
        registry.add("spring.datasource.password", DB::password);
    }

    @Value("${local.server.port}")
    int port;

    SampleApi api;
    final CustomerRows rows = new CustomerRows(DB::connect);

    @BeforeEach
    void client() {
        api = new SampleApi(port);
    }

    @Test
    void postWithOldFieldWritesBothColumns() {
        SampleApi.Response created = api.post("/customers", Map.of("name", "Ada", "email", "ada@example.com"));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.get("email")).isEqualTo("ada@example.com");
        assertThat(created.get("emailAddress")).isEqualTo("ada@example.com");
        CustomerRows.Row row = rows.find(created.id());
        assertThat(row).isNotNull();
        assertThat(row.email()).isEqualTo("ada@example.com");
        assertThat(row.emailAddress()).isEqualTo("ada@example.com");
    }

    @Test
    void postWithNewFieldWritesBothColumns() {
        SampleApi.Response created = api.post("/customers", Map.of("name", "Grace", "emailAddress", "grace@example.com"));

        assertThat(created.status()).isEqualTo(201);
        CustomerRows.Row row = rows.find(created.id());
        assertThat(row.email()).isEqualTo("grace@example.com");
        assertThat(row.emailAddress()).isEqualTo("grace@example.com");
    }

    @Test
    void putOfNewFieldWritesBothColumnsAndGetShowsBothFieldsEqual() {
        long id = api.post("/customers", Map.of("name", "Alan", "email", "alan@example.com")).id();

        SampleApi.Response updated = api.put("/customers/" + id, Map.of("emailAddress", "alan@new.example.com"));

        assertThat(updated.status()).isEqualTo(200);
        CustomerRows.Row row = rows.find(id);
        assertThat(row.email()).isEqualTo("alan@new.example.com");
        assertThat(row.emailAddress()).isEqualTo("alan@new.example.com");
        assertThat(row.version()).isEqualTo(1);

        SampleApi.Response read = api.get("/customers/" + id);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.get("email")).isEqualTo("alan@new.example.com");
        assertThat(read.get("emailAddress")).isEqualTo("alan@new.example.com");
        assertThat(read.get("name")).isEqualTo("Alan");
        assertThat(((Number) read.get("version")).longValue()).isEqualTo(1);
    }

    @Test
    void putOfOldFieldWritesBothColumns() {
        long id = api.post("/customers", Map.of("name", "Edsger", "emailAddress", "edsger@example.com")).id();

        assertThat(api.put("/customers/" + id, Map.of("email", "edsger@new.example.com")).status()).isEqualTo(200);

        CustomerRows.Row row = rows.find(id);
        assertThat(row.email()).isEqualTo("edsger@new.example.com");
        assertThat(row.emailAddress()).isEqualTo("edsger@new.example.com");
    }

    @Test
    void putOfNameOnlyKeepsTheEmail() {
        long id = api.post("/customers", Map.of("name", "Barbara", "email", "barbara@example.com")).id();

        SampleApi.Response updated = api.put("/customers/" + id, Map.of("name", "Barbara Liskov"));

        assertThat(updated.status()).isEqualTo(200);
        CustomerRows.Row row = rows.find(id);
        assertThat(row.name()).isEqualTo("Barbara Liskov");
        assertThat(row.email()).isEqualTo("barbara@example.com");
        assertThat(row.emailAddress()).isEqualTo("barbara@example.com");
    }

    @Test
    void creditLimitAsAmountWritesCentsTooAndTheOtherWayRound() {
        SampleApi.Response created = api.post("/customers", Map.of("name", "Ada", "email", "ada@example.com", "creditLimit", 19.99));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(((Number) created.get("creditLimitCents")).longValue()).isEqualTo(1999);
        assertThat(rows.find(created.id())).satisfies(row -> {
            assertThat(row.creditLimitCents()).isEqualTo(1999);
            assertThat(row.creditLimit()).isEqualByComparingTo("19.99");
        });

        assertThat(api.put("/customers/" + created.id(), Map.of("creditLimitCents", 250_000)).status()).isEqualTo(200);
        assertThat(rows.find(created.id())).satisfies(row -> {
            assertThat(row.creditLimitCents()).isEqualTo(250_000);
            assertThat(row.creditLimit()).isEqualByComparingTo("2500.00");
            assertThat(row.email()).isEqualTo("ada@example.com");
        });
        SampleApi.Response read = api.get("/customers/" + created.id());
        assertThat(new BigDecimal(read.get("creditLimit").toString())).isEqualByComparingTo("2500.00");
    }

    @Test
    void aCustomerWithoutCreditLimitGetsZeroInBothColumns() {
        long id = api.post("/customers", Map.of("name", "Grace", "email", "grace@example.com")).id();

        assertThat(rows.find(id)).satisfies(row -> {
            assertThat(row.creditLimitCents()).isZero();
            assertThat(row.creditLimit()).isEqualByComparingTo("0");
        });
    }

    @Test
    void creditLimitsThatCannotBeStoredAreRefusedAndChangeNothing() {
        long id = api.post("/customers", Map.of("name", "Alan", "email", "alan@example.com", "creditLimitCents", 100)).id();

        SampleApi.Response fraction = api.put("/customers/" + id, Map.of("creditLimit", 1.005));
        assertThat(fraction.status()).isEqualTo(400);
        assertThat(fraction.body()).contains("at most two decimal places");
        SampleApi.Response twoValues = api.put("/customers/" + id, Map.of("creditLimit", 2.00, "creditLimitCents", 100));
        assertThat(twoValues.status()).isEqualTo(400);
        assertThat(twoValues.body()).contains("either creditLimitCents or creditLimit");
        assertThat(api.put("/customers/" + id, Map.of("creditLimitCents", -1)).status()).isEqualTo(400);
        assertThat(api.post("/customers", Map.of("name", "Big", "email", "big@example.com", "creditLimit", 1e11)).status()).isEqualTo(400);

        assertThat(rows.find(id)).satisfies(row -> {
            assertThat(row.creditLimitCents()).isEqualTo(100);
            assertThat(row.creditLimit()).isEqualByComparingTo("1.00");
            assertThat(row.version()).isZero();
        });
    }

    @Test
    void dualWriteReadsTheOldColumn() {
        // a row whose columns disagree, as a bug or a manual fix could leave it: phase dual-write reads the old one
        long id = rows.insert("Niklaus", "niklaus@old.example.com", "niklaus@stale.example.com");

        SampleApi.Response read = api.get("/customers/" + id);

        assertThat(read.status()).isEqualTo(200);
        assertThat(read.get("email")).isEqualTo("niklaus@old.example.com");
        assertThat(read.get("emailAddress")).isEqualTo("niklaus@old.example.com");
    }

    @Test
    void listDeleteAndErrors() {
        long id = api.post("/customers", Map.of("name", "Donald", "email", "donald@example.com")).id();

        SampleApi.Response page = api.get("/customers?size=100");
        assertThat(page.status()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> content = (List<Map<String, Object>>) page.get("content");
        assertThat(content).anySatisfy(c -> {
            assertThat(((Number) c.get("id")).longValue()).isEqualTo(id);
            assertThat(c.get("email")).isEqualTo("donald@example.com");
            assertThat(c.get("emailAddress")).isEqualTo("donald@example.com");
        });
        assertThat(((Number) page.get("totalElements")).longValue()).isEqualTo(rows.count(null));

        assertThat(api.get("/customers?size=1000").status()).isEqualTo(400);

        long before = rows.count(null);
        SampleApi.Response conflicting = api.post("/customers",
                Map.of("name", "Two", "email", "a@example.com", "emailAddress", "b@example.com"));
        assertThat(conflicting.status()).isEqualTo(400);
        assertThat(conflicting.body()).contains("either email or emailAddress");
        assertThat(api.post("/customers", Map.of("name", "None")).status()).isEqualTo(400);
        assertThat(rows.count(null)).isEqualTo(before);

        assertThat(api.delete("/customers/" + id).status()).isEqualTo(204);
        assertThat(rows.find(id)).isNull();
        assertThat(api.get("/customers/" + id).status()).isEqualTo(404);
        assertThat(api.delete("/customers/" + id).status()).isEqualTo(404);
    }
}
