package io.github.expandcontract.sample;

import io.github.expandcontract.sample.traffic.TrafficGenerator;
import io.github.expandcontract.sample.traffic.TrafficStats;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrent writers through the REST API while both backfills run, on PostgreSQL: the traffic
 * generator (8 workers) reads, inserts and updates customers, sending the old or the new field of
 * each migration at random, while the rename and the cents-to-amount type change are copied. No
 * request fails, both verifications pass, and every row holds the same value in its old and new
 * columns (checked in SQL).
 */
class TrafficDuringBackfillTests {

    static final int ROWS = 4_000;

    @Test
    @SuppressWarnings("unchecked")
    void writersThroughTheApiDuringBothBackfillsLeaveEveryRowConsistent() throws Exception {
        try (PostgresTestDatabase db = PostgresTestDatabase.forClass(TrafficDuringBackfillTests.class);
             ConfigurableApplicationContext app = SampleApps.startOnPostgres(db, args())) {
            int port = SampleApps.port(app);
            SampleApi api = new SampleApi(port);
            TrafficStats whenCopied;
            TrafficStats done;
            try (TrafficGenerator traffic = TrafficGenerator.of(List.of("http://localhost:" + port),
                    new TrafficGenerator.Settings(150, Duration.ofMinutes(2), 8))) {
                traffic.start();
                for (String migration : List.of("customer-email", "customer-credit-limit")) {
                    awaitVerified(api, migration);
                }
                whenCopied = traffic.stats();
                traffic.close();
                done = traffic.stats();
            }

            assertThat(done.failures()).as("failed requests: %s", done.recentFailures()).isZero();
            assertThat(whenCopied.updates()).as("updates while the backfills ran").isGreaterThan(50);
            assertThat(whenCopied.inserts()).as("inserts while the backfills ran").isGreaterThan(50);
            CustomerRows rows = new CustomerRows(db::connect);
            assertThat(rows.count(null)).isGreaterThan(ROWS);
            assertThat(rows.count("email_address is distinct from email")).isZero();
            assertThat(rows.count("credit_limit is distinct from credit_limit_cents / 100.0")).isZero();
            assertThat(rows.count("email like 'c%-%@example.com'")).as("rows the generator updated").isPositive();
        }
    }

    private static String[] args() {
        List<String> args = new ArrayList<>(SampleApps.bothInBackfill(800)); // a few seconds each: writers overlap most of both copies
        args.add("--sample.seed.rows=" + ROWS);
        return args.toArray(String[]::new);
    }

    @SuppressWarnings("unchecked")
    private static void awaitVerified(SampleApi api, String migration) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            SampleApi.Response response = api.get("/actuator/expandcontract/" + migration);
            Map<String, Object> backfill = (Map<String, Object>) response.get("backfill");
            Map<String, Object> verification = (Map<String, Object>) response.get("verification");
            assertThat(backfill.get("status")).as(response.body()).isNotEqualTo("FAILED");
            assertThat(verification.get("status")).as(response.body()).isNotEqualTo("FAILED");
            if ("PASSED".equals(verification.get("status"))) {
                return;
            }
            assertThat(System.nanoTime()).as("%s verified within 2 minutes; last answer %s", migration, response.body()).isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
