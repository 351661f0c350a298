package io.github.expandcontract.sample;

import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code expandcontract} Actuator endpoint of the sample app over real HTTP, on PostgreSQL:
 * an operator watches a throttled backfill move, pauses and resumes it, verifies the result; bad
 * requests change nothing; with the default (read-only) access no write gets through; and
 * {@code instances} shows a rolling deploy.
 */
class ActuatorEndpointTests {

    static final String MIGRATION = "customer-email";
    static final String PATH = "/actuator/expandcontract/" + MIGRATION;
    static final int ROWS = 8_000;

    PostgresTestDatabase db;
    final List<ConfigurableApplicationContext> apps = new ArrayList<>();

    @BeforeEach
    void schemaWithRowsToBackfill() {
        db = PostgresTestDatabase.forClass(ActuatorEndpointTests.class);
        // the schema is the sample's Liquibase changelog: start once in dual-write, as the deploy before backfill
        start("dual-write").close();
        apps.clear();
        db.execute("insert into customers (name, email, email_address, credit_limit_cents, version) "
                + "select 'customer ' || g, 'c' || g || '@example.com', null, g, 0 from generate_series(1, " + ROWS + ") g",
                "analyze customers");
    }

    @AfterEach
    void stopAppsThenDropSchema() {
        apps.forEach(ConfigurableApplicationContext::close);
        db.close();
    }

    private ConfigurableApplicationContext start(String phase, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--sample.seed.rows=0",
                "--expand-contract.migrations.customer-email.phase=" + phase,
                // about 8 s for 8,000 rows: long enough to watch, pause and resume it
                "--expand-contract.migrations.customer-email.backfill.max-rows-per-second=1000",
                "--expand-contract.migrations.customer-email.backfill.batch-size=100"));
        args.addAll(List.of(more));
        ConfigurableApplicationContext app = SampleApps.startOnPostgres(db, args.toArray(String[]::new));
        apps.add(app);
        return app;
    }

    private static SampleApi api(ConfigurableApplicationContext app) {
        return new SampleApi(SampleApps.port(app));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(SampleApi.Response response, String name) {
        return (Map<String, Object>) response.json().get(name);
    }

    private static long rowsProcessed(SampleApi.Response response) {
        return ((Number) section(response, "backfill").get("rowsProcessed")).longValue();
    }

    private static Object backfillStatus(SampleApi.Response response) {
        return section(response, "backfill").get("status");
    }

    private static SampleApi.Response awaitMigration(SampleApi api, String what, Predicate<SampleApi.Response> condition,
                                                     Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            SampleApi.Response response = api.get(PATH);
            assertThat(response.status()).isEqualTo(200);
            if (condition.test(response)) {
                return response;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what + "; last answer " + response.body());
            }
            Thread.sleep(100);
        }
    }

    @Test
    void anOperatorWatchesPausesResumesAndVerifiesTheBackfill() throws Exception {
        SampleApi api = api(start("backfill", "--management.endpoint.expandcontract.access=unrestricted"));

        // every migration
        SampleApi.Response all = api.get("/actuator/expandcontract");
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.body()).contains("\"id\":\"customer-email\"");

        // progress moves: several answers while the throttled backfill runs, each further than the last
        List<Long> seen = new ArrayList<>();
        SampleApi.Response running = awaitMigration(api, "backfill running", r -> rowsProcessed(r) > 0, Duration.ofSeconds(20));
        while (seen.size() < 4) {
            SampleApi.Response r = api.get(PATH);
            assertThat(backfillStatus(r)).isEqualTo("RUNNING");
            long processed = rowsProcessed(r);
            if (seen.isEmpty() || processed > seen.get(seen.size() - 1)) {
                seen.add(processed);
            }
            Thread.sleep(250);
        }
        assertThat(seen).isSorted().doesNotHaveDuplicates().allMatch(n -> n > 0 && n < ROWS);
        Map<String, Object> backfill = section(running, "backfill");
        assertThat(running.json()).containsEntry("id", MIGRATION).containsEntry("entity", "Customer")
                .containsEntry("table", "customers").containsEntry("oldColumn", "email")
                .containsEntry("newColumn", "email_address").containsEntry("phase", "backfill");
        assertThat(((Number) backfill.get("rowsTotal")).longValue()).isPositive();
        assertThat(((Number) backfill.get("percent")).doubleValue()).isBetween(0.0, 100.0);
        assertThat(backfill).containsKeys("rowsPerSecond", "etaSeconds", "batchSize", "lastError", "failedRows",
                "sampleFailedIds", "startedAt", "finishedAt");
        assertThat(Instant.parse((String) backfill.get("startedAt"))).as("ISO-8601 instant").isBefore(Instant.now());
        assertThat(section(running, "verification")).containsEntry("status", "NOT_RUN");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> instances = (List<Map<String, Object>>) running.json().get("instances");
        assertThat(instances).singleElement().satisfies(instance -> {
            assertThat(instance).containsEntry("phase", "backfill").containsEntry("thisInstance", true);
            assertThat(Instant.parse((String) instance.get("lastSeen"))).isBefore(Instant.now().plusSeconds(5));
            assertThat(instance.get("instanceId")).isEqualTo(backfill.get("leaseOwner"));
        });

        // pause stops the row count
        SampleApi.Response pauseAnswer = api.post(PATH, Map.of("action", "pause"));
        assertThat(pauseAnswer.status()).as(pauseAnswer.body()).isEqualTo(200);
        assertThat(section(pauseAnswer, "backfill")).containsEntry("pauseRequested", true);
        SampleApi.Response paused = awaitMigration(api, "PAUSED", r -> "PAUSED".equals(backfillStatus(r)), Duration.ofSeconds(10));
        Thread.sleep(1_500);
        SampleApi.Response stillPaused = api.get(PATH);
        assertThat(rowsProcessed(stillPaused)).as("no row passed while paused").isEqualTo(rowsProcessed(paused)).isLessThan(ROWS);
        assertThat(count("email_address is null")).as("rows left to copy").isPositive();

        // verify is refused mid-way, with the reason, and runs nothing
        SampleApi.Response early = api.post(PATH, Map.of("action", "verify"));
        assertThat(early.status()).isEqualTo(409);
        assertThat((String) early.get("error")).contains("PAUSED").contains("resume it first");
        assertThat(section(api.get(PATH), "verification")).containsEntry("status", "NOT_RUN");

        // resume continues from there and finishes; the verification follows by itself
        assertThat(api.post(PATH, Map.of("action", "resume")).status()).isEqualTo(200);
        awaitMigration(api, "running again", r -> rowsProcessed(r) > rowsProcessed(paused), Duration.ofSeconds(10));
        SampleApi.Response done = awaitMigration(api, "COMPLETED and verified", r -> "COMPLETED".equals(backfillStatus(r))
                && "PASSED".equals(section(r, "verification").get("status")), Duration.ofSeconds(60));
        assertThat(rowsProcessed(done)).isEqualTo(ROWS);
        assertThat(section(done, "backfill")).containsEntry("percent", 100.0);
        assertThat(count("email_address is distinct from email")).isZero();

        // verify on demand returns the result
        db.execute("update customers set email_address = 'tampered@example.com' where id = (select min(id) from customers)");
        SampleApi.Response verified = api.post(PATH, Map.of("action", "verify"));
        assertThat(verified.status()).as(verified.body()).isEqualTo(200);
        Map<String, Object> verification = section(verified, "verification");
        assertThat(verification).containsEntry("status", "FAILED").containsEntry("mismatches", 1);
        assertThat(((Number) verification.get("rowsChecked")).longValue()).isEqualTo(ROWS);

        // ...which the health contributor reports
        SampleApi.Response health = api.get("/actuator/health");
        assertThat(health.status()).isEqualTo(503);
        @SuppressWarnings("unchecked")
        Map<String, Object> contributor = (Map<String, Object>) section(health, "components").get("expandcontract");
        assertThat(contributor).containsEntry("status", "DOWN");
        assertThat(contributor.get("details")).asString().contains("verification=FAILED").contains("mismatches=1");
    }

    @Test
    void unknownMigrationsAndActionsAnswer404And400AndChangeNothing() throws Exception {
        SampleApi api = api(start("backfill", "--management.endpoint.expandcontract.access=unrestricted"));
        awaitMigration(api, "backfill running", r -> rowsProcessed(r) > 0, Duration.ofSeconds(20));
        assertThat(api.post(PATH, Map.of("action", "pause")).status()).isEqualTo(200);
        awaitMigration(api, "PAUSED", r -> "PAUSED".equals(backfillStatus(r)), Duration.ofSeconds(10));
        String before = stateRows();

        assertThat(api.get("/actuator/expandcontract/no-such-migration").status()).isEqualTo(404);
        SampleApi.Response unknown = api.post("/actuator/expandcontract/no-such-migration", Map.of("action", "resume"));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat((String) unknown.get("error")).contains("No migration 'no-such-migration'").contains(MIGRATION);

        SampleApi.Response badAction = api.post(PATH, Map.of("action", "explode"));
        assertThat(badAction.status()).isEqualTo(400);
        assertThat(badAction.get("validActions")).isEqualTo(List.of("pause", "resume", "verify", "restart", "restart-reverse"));
        assertThat((String) badAction.get("error")).contains("Unknown action 'explode'");
        SampleApi.Response noAction = api.post(PATH, Map.of());
        assertThat(noAction.status()).isEqualTo(400);
        assertThat((String) noAction.get("error")).contains("Missing action");

        Thread.sleep(500);
        assertThat(stateRows()).as("the paused backfill and the verification are as they were").isEqualTo(before);
    }

    @Test
    void withTheDefaultAccessEveryWriteIsRefused() throws Exception {
        SampleApi api = api(start("backfill"));
        awaitMigration(api, "backfill running", r -> rowsProcessed(r) > 0, Duration.ofSeconds(20));
        for (String action : List.of("pause", "resume", "verify", "restart")) {
            SampleApi.Response refused = api.post(PATH, Map.of("action", action));
            // read-only access maps no POST at all
            assertThat(refused.status()).as("POST %s: %s", action, refused.body()).isEqualTo(405);
        }
        SampleApi.Response after = awaitMigration(api, "COMPLETED", r -> "COMPLETED".equals(backfillStatus(r)), Duration.ofSeconds(60));
        assertThat(section(after, "backfill")).as("the pause never reached the backfill").containsEntry("pauseRequested", false);
        assertThat(longQuery("select count(*) from expand_contract_backfill where pause_requested")).isZero();
    }

    @Test
    void instancesShowARollingDeployAndAnInstanceLeavesOnShutdown() throws Exception {
        ConfigurableApplicationContext old = start("dual-write");
        ConfigurableApplicationContext next = start("backfill");
        String oldId = old.getBean(io.github.expandcontract.fleet.InstanceRegistry.class).instanceId();
        String nextId = next.getBean(io.github.expandcontract.fleet.InstanceRegistry.class).instanceId();

        for (ConfigurableApplicationContext app : List.of(old, next)) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> instances = (List<Map<String, Object>>) api(app).get(PATH).json().get("instances");
            assertThat(instances).extracting(i -> i.get("instanceId"), i -> i.get("phase"))
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(oldId, "dual-write"),
                            org.assertj.core.groups.Tuple.tuple(nextId, "backfill"));
        }

        next.close();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> left = (List<Map<String, Object>>) api(old).get(PATH).json().get("instances");
        assertThat(left).as("a clean shutdown leaves the list at once").extracting(i -> i.get("instanceId")).containsExactly(oldId);
    }

    private long count(String where) {
        return longQuery("select count(*) from customers where " + where);
    }

    private long longQuery(String sql) {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The backfill and verification rows without their timestamps and lease, as text. */
    private String stateRows() {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select b.status, b.pause_requested, b.rows_processed, b.last_key, b.last_error, "
                     + "(select count(*) from expand_contract_verification) from expand_contract_backfill b")) {
            StringBuilder text = new StringBuilder();
            while (rs.next()) {
                for (int i = 1; i <= 6; i++) {
                    text.append(rs.getString(i)).append('|');
                }
            }
            return text.toString();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
