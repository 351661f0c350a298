package io.github.expandcontract.sample;

import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sample-app/walkthrough.sh} in its short configuration (20,000 rows), after {@code package}
 * built the jar (failsafe, phase integration-test): two instances through every phase of both
 * migrations under traffic. The script's exit code says whether any request failed, any
 * verification found a mismatch or any row lacks its new value; its output goes to
 * {@code target/walkthrough-it.log}.
 * <p>
 * It runs on the server of {@value PostgresTestDatabase#URL_ENV}, in a database of its own named
 * after the test database with {@code _walkthrough} appended (dropped and created again), on free
 * ports.
 */
class WalkthroughIT {

    static final Path LOG = Path.of("target", "walkthrough-it.log");

    @Test
    void theShortWalkthroughEndsWithoutFailedRequestsOrMismatches() throws Exception {
        String url = System.getenv(PostgresTestDatabase.URL_ENV);
        assertThat(url).as("walkthrough.sh needs a PostgreSQL server it can create a database on: set %s "
                + "(e.g. jdbc:postgresql://127.0.0.1:5432/test); .ci/run does", PostgresTestDatabase.URL_ENV).isNotBlank();
        URI server = URI.create(url.substring("jdbc:".length()));
        String database = server.getPath().substring(1) + "_walkthrough";

        ProcessBuilder script = new ProcessBuilder("bash", "walkthrough.sh").redirectErrorStream(true).redirectOutput(LOG.toFile());
        Map<String, String> env = script.environment();
        env.put("PGHOST", server.getHost());
        env.put("PGPORT", String.valueOf(server.getPort() < 0 ? 5432 : server.getPort()));
        env.put("PGUSER", System.getenv().getOrDefault(PostgresTestDatabase.URL_ENV.replace("_URL", "_USER"), "postgres"));
        env.put("PGPASSWORD", System.getenv().getOrDefault(PostgresTestDatabase.URL_ENV.replace("_URL", "_PASSWORD"), ""));
        env.put("WALKTHROUGH_DB", database);
        env.put("WALKTHROUGH_SKIP_BUILD", "true");
        env.put("WALKTHROUGH_ROWS", "20000");
        env.put("WALKTHROUGH_BACKFILL_ROWS_PER_SECOND", "600"); // ~33 s per copy: still running once a slow machine has restarted the second instance
        List<Integer> ports = freePorts(3);
        env.put("WALKTHROUGH_PORT_A", ports.get(0).toString());
        env.put("WALKTHROUGH_PORT_B", ports.get(1).toString());
        env.put("WALKTHROUGH_STATS_PORT", ports.get(2).toString());

        Process process = script.start();
        boolean finished = process.waitFor(6, TimeUnit.MINUTES);
        if (!finished) {
            process.destroy(); // SIGTERM: the script's trap stops the instances and the generator
            process.waitFor(30, TimeUnit.SECONDS);
        }
        String output = Files.readString(LOG);
        assertThat(finished).as("walkthrough.sh finished within 6 minutes:%n%s", output).isTrue();
        assertThat(process.exitValue()).as("walkthrough.sh exit code:%n%s", output).isZero();
        assertThat(output).contains("failed requests").containsPattern("failed requests\\s+0\\n")
                .contains("walkthrough OK: 0 failed requests, 0 mismatches");
    }

    private static List<Integer> freePorts(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0);
            }
            return java.util.Arrays.stream(sockets).map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
    }
}
