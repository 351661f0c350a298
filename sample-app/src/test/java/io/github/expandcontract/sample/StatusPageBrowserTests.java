package io.github.expandcontract.sample;

import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /status} in a real browser: headless Chromium (Debian's {@code chromium} package, never a
 * downloaded one) loads the page of the demo profile on PostgreSQL while both backfills run under
 * the built-in traffic, dumps the DOM it rendered, and takes a screenshot to
 * {@code target/status-page.png}.
 */
class StatusPageBrowserTests {

    static final Path SCREENSHOT = Path.of("target", "status-page.png");

    @Test
    @SuppressWarnings("unchecked")
    void chromiumShowsEachMigrationWithItsProgressAndTheTraffic() throws Exception {
        String chromium = chromium();
        try (PostgresTestDatabase db = PostgresTestDatabase.forClass(StatusPageBrowserTests.class);
             ConfigurableApplicationContext app = SampleApps.startOnPostgres(db, args())) {
            int port = SampleApps.port(app);
            SampleApi api = new SampleApi(port);
            awaitTrue(() -> List.of("customer-email", "customer-credit-limit").stream().allMatch(id ->
                    ((Number) ((Map<String, Object>) api.get("/actuator/expandcontract/" + id).get("backfill")).get("rowsProcessed")).longValue() > 0)
                    && api.getHtml("/status").body().contains("<td class=\"requests\">") , "both backfills moving and traffic counted");
            String url = "http://localhost:" + port + "/status";

            String dom = run(chromium, "--dump-dom", url);

            for (String id : List.of("customer-email", "customer-credit-limit")) {
                String section = section(dom, "migration-" + id);
                assertThat(section).as("section of %s in %s", id, dom).isNotNull();
                assertThat(section).contains("phase backfill").contains("all 1 instance(s) in backfill")
                        .contains("<th colspan=\"2\">Backfill</th>").contains("rows/s").contains("ETA")
                        .contains("<th colspan=\"2\">Verification</th>").contains("(this one)")
                        .contains("next: read-new not yet \u2014 read-new-verified: phase read-new reads the new column");
                Matcher bar = Pattern.compile("class=\"bar\"[^>]*aria-valuenow=\"([0-9.]+)\".*?style=\"width: ?([0-9.]+)%").matcher(section);
                assertThat(bar.find()).as("a progress bar in %s", section).isTrue();
                assertThat(Double.parseDouble(bar.group(1))).isGreaterThan(0).isLessThanOrEqualTo(100).isEqualTo(Double.parseDouble(bar.group(2)));
            }
            assertThat(dom).contains("customers: email → email_address").contains("customers: credit_limit_cents → credit_limit");
            String traffic = section(dom, "traffic");
            Matcher requests = Pattern.compile("<td class=\"requests\">([0-9,]+)</td>").matcher(traffic);
            assertThat(requests.find()).as(traffic).isTrue();
            assertThat(Long.parseLong(requests.group(1).replace(",", ""))).isPositive();
            assertThat(traffic).contains("<td class=\"failures\"><span class=\"good\">0</span></td>").containsPattern("class=\"p99\">[0-9,]+ ms");

            Files.deleteIfExists(SCREENSHOT);
            run(chromium, "--screenshot=" + SCREENSHOT.toAbsolutePath(), "--window-size=1280,900", "--hide-scrollbars", url);
            byte[] png = Files.readAllBytes(SCREENSHOT);
            assertThat(png).as("a PNG image").startsWith(0x89, 'P', 'N', 'G');
            assertThat(png.length).as("more than a blank page").isGreaterThan(20_000);
        }
    }

    private static String[] args() {
        List<String> args = new ArrayList<>(SampleApps.bothInBackfill(300)); // slow enough to be mid-way while the browser looks
        args.addAll(List.of("--spring.profiles.include=demo", "--sample.seed.rows=20000"));
        return args.toArray(String[]::new);
    }

    /** The element with this id, from its start tag to the matching {@code </section>}, or null. */
    private static String section(String dom, String id) {
        int start = dom.indexOf("id=\"" + id + "\"");
        if (start < 0) {
            return null;
        }
        int end = dom.indexOf("</section>", start);
        return end < 0 ? null : dom.substring(start, end);
    }

    /** Debian's chromium from the PATH; fails, never skips, when it is missing. */
    private static String chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        throw new AssertionError("This test needs Chromium and none is on the PATH. Install Debian's package: "
                + "apt-get install -y chromium (.ci/run does this when it is missing). The test never downloads a browser.");
    }

    /** Runs headless Chromium with a fresh profile and returns what it printed on stdout. */
    private static String run(String chromium, String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("status-page-chromium");
        Path out = Files.createTempFile("chromium", ".out");
        Path err = Files.createTempFile("chromium", ".err");
        try {
            List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("chromium did not finish within 90 s: " + command + "\n" + Files.readString(err));
            }
            assertThat(process.exitValue()).as("chromium %s exit code; stderr:%n%s", command, Files.readString(err)).isZero();
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            FileSystemUtils.deleteRecursively(profile);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(200);
        }
    }
}
