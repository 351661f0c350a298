package io.github.expandcontract.lint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LintCommandTests {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return LintCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void writesJsonAndExitsOneOnErrors(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("nested/report.json");
        int status = run("--search-path", "src/test/resources", "--format", "json", "--output", report.toString(),
                "corpus/drop-table/dangerous.sql,corpus/drop-table/safe.sql");

        assertThat(status).isEqualTo(1);
        JsonNode json = new ObjectMapper().readTree(Files.readString(report));
        assertThat(json.get("files")).hasSize(2);
        assertThat(json.get("files").get(0).get("findings").get(0).get("rule").asString()).isEqualTo("drop-table");
        assertThat(json.get("files").get(1).get("suppressed").get(0).get("rule").asString()).isEqualTo("drop-table");
    }

    @Test
    void failOnDecidesTheExitStatus() {
        assertThat(run("--search-path", "src/test/resources", "corpus/missing-lock-timeout/dangerous.xml")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("WARNING missing-lock-timeout");
        assertThat(run("--search-path", "src/test/resources", "--fail-on", "warning", "corpus/missing-lock-timeout/dangerous.xml")).isEqualTo(1);
        assertThat(run("--search-path", "src/test/resources", "--fail-on", "never", "corpus/drop-table/dangerous.sql")).isZero();
    }

    @Test
    void badArgumentsExitTwo() {
        assertThat(run("--format", "xml", "a.yaml")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--format is one of text, json, not xml");
        assertThat(run()).isEqualTo(2);
        assertThat(run("--database", "oracle", "a.yaml")).isEqualTo(2);
    }
}
