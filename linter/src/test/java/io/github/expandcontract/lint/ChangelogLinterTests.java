package io.github.expandcontract.lint;

import io.github.expandcontract.lint.sql.Dialect;
import io.github.expandcontract.lint.extension.RecalculateTotalsTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class ChangelogLinterTests {

    private static LintReport lint(LintOptions options, String... files) throws Exception {
        Path resources = Path.of(ChangelogLinterTests.class.getResource("/corpus").toURI()).getParent();
        return new ChangelogLinter(options).lint(ChangelogLinter.directories(List.of(resources)), List.of(files));
    }

    private static LintReport lint(String... files) throws Exception {
        return lint(LintOptions.defaults(), files);
    }

    @Test
    void everyRequestedFileAppearsOnceInOrderAndAFileThatDoesNotParseDoesNotStopTheOthers() throws Exception {
        LintReport report = lint("corpus/index-not-concurrent/dangerous.xml", "corpus/parse-error/dangerous.xml",
                "corpus/index-not-concurrent/safe.sql", "does/not/exist.yaml");

        assertThat(report.files()).extracting(FileReport::file).containsExactly("corpus/index-not-concurrent/dangerous.xml",
                "corpus/parse-error/dangerous.xml", "corpus/index-not-concurrent/safe.sql", "does/not/exist.yaml");
        assertThat(report.files().get(0).findings()).extracting(Finding::rule).contains("index-not-concurrent");
        assertThat(report.files().get(1).findings()).singleElement().satisfies(finding -> {
            assertThat(finding.rule()).isEqualTo("parse-error");
            assertThat(finding.severity()).isEqualTo(Severity.ERROR);
            assertThat(finding.line()).isEqualTo(8);
        });
        assertThat(report.files().get(2).findings()).isEmpty();
        assertThat(report.files().get(3).findings()).extracting(Finding::rule).containsExactly("parse-error");
    }

    @Test
    void jsonReportHasTheContractShape() throws Exception {
        LintReport report = lint("corpus/index-not-concurrent/dangerous.xml", "corpus/invalid-suppression/safe.yaml",
                "corpus/parse-error/dangerous.yaml");

        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertThat(json.propertyNames()).containsExactly("files");
        JsonNode first = json.get("files").get(0);
        assertThat(first.propertyNames()).containsExactly("file", "findings", "suppressed");
        assertThat(first.get("file").asString()).isEqualTo("corpus/index-not-concurrent/dangerous.xml");
        JsonNode finding = first.get("findings").get(0);
        assertThat(finding.propertyNames()).containsExactly("rule", "severity", "changeSetId", "author", "line", "lock",
                "rewritesTable", "message", "fix");
        assertThat(finding.get("rule").asString()).isEqualTo("index-not-concurrent");
        assertThat(finding.get("severity").asString()).isEqualTo("error");
        assertThat(finding.get("changeSetId").asString()).isEqualTo("idx-email");
        assertThat(finding.get("author").asString()).isEqualTo("corpus");
        assertThat(finding.get("line").isInt()).isTrue();
        assertThat(finding.get("line").asInt()).isEqualTo(6);
        assertThat(finding.get("lock").asString()).startsWith("SHARE");
        assertThat(finding.get("rewritesTable").isBoolean()).isTrue();
        assertThat(finding.get("fix").asString()).contains("ec:createIndexConcurrently");
        assertThat(StreamSupport.stream(first.get("findings").spliterator(), false).map(f -> f.get("severity").asString()))
                .contains("warning");

        JsonNode suppressed = json.get("files").get(1).get("suppressed").get(0);
        assertThat(suppressed.propertyNames()).containsExactly("rule", "changeSetId", "reason");
        assertThat(suppressed.get("rule").asString()).isEqualTo("drop-column");
        assertThat(suppressed.get("changeSetId").asString()).isEqualTo("drop-email");
        assertThat(suppressed.get("reason").asString()).isEqualTo("no release since 2.0 maps customers.email");
        assertThat(json.get("files").get(1).get("findings")).isEmpty();

        JsonNode parseError = json.get("files").get(2).get("findings").get(0);
        assertThat(parseError.get("rule").asString()).isEqualTo("parse-error");
        assertThat(parseError.get("changeSetId").isNull()).isTrue();
        assertThat(parseError.get("message").asString()).contains("createIndexSomehow");
    }

    @Test
    void linesPointAtTheChangeSetInEachFormat() throws Exception {
        assertThat(lint("corpus/index-not-concurrent/dangerous.sql").findings()).extracting(Finding::line).containsOnly(3);
        assertThat(lint("corpus/column-type-change/dangerous.yaml").findings()).extracting(Finding::line).containsOnly(4);
        assertThat(lint("corpus/drop-table/dangerous.json").findings()).extracting(Finding::line).containsOnly(2);
        assertThat(lint("corpus/drop-column/dangerous.xml").findings()).extracting(Finding::line).containsOnly(6);
    }

    @Test
    void includedFilesAreLintedInOrderAndNamedInTheFinding() throws Exception {
        FileReport report = lint("lint/include-all.xml").files().get(0);

        // accounts comes from another file, so it is an existing table; lock_timeout is set for the run
        // by a runAlways changeset, and widening its varchar does not rewrite it
        assertThat(report.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.rule()).isEqualTo("index-not-concurrent");
            assertThat(finding.changeSetId()).isEqualTo("index-owner");
            assertThat(finding.changeLog()).endsWith("changes/002-index-accounts.sql");
            assertThat(finding.line()).isEqualTo(6);
            assertThat(finding.message()).startsWith(finding.changeLog() + ": CREATE INDEX accounts_owner_idx");
        });
    }

    @Test
    void contractGuardMustHoldForTheDropToRun() throws Exception {
        FileReport report = lint("lint/guards.yaml").files().get(0);

        assertThat(report.findings()).extracting(Finding::rule, Finding::changeSetId)
                .containsExactly(tuple("drop-column", "drop-or"), tuple("drop-column", "drop-warn"));
    }

    @Test
    void postgresVersionDecidesWhetherAConstantDefaultRewrites() throws Exception {
        // SET LOCAL in a runAlways changeset ends with that changeset's transaction
        assertThat(lint("lint/options.yaml").findings()).extracting(Finding::rule, Finding::changeSetId)
                .containsExactly(tuple("missing-lock-timeout", "add-status"));
        assertThat(lint(LintOptions.defaults().withPostgresVersion(10), "lint/options.yaml").findings())
                .extracting(Finding::rule, Finding::changeSetId)
                .containsExactly(tuple("volatile-default", "add-status"), tuple("missing-lock-timeout", "add-status"));
    }

    @Test
    void mysqlRulesDiffer() throws Exception {
        LintReport report = lint(LintOptions.defaults().withDialect(Dialect.MYSQL), "lint/options.yaml",
                "corpus/index-not-concurrent/dangerous.xml", "corpus/constraint-without-not-valid/dangerous.sql");

        // lock_timeout is PostgreSQL's; InnoDB builds indexes online; varchar(20) to varchar(40) stays in place;
        // the type of orders.note is unknown, so changing it is flagged; NOT VALID does not exist on MySQL
        assertThat(report.files().get(0).findings()).extracting(Finding::rule, Finding::changeSetId).containsExactly(
                tuple("missing-lock-timeout", "add-status"),
                tuple("column-type-change", "mysql-only"),
                tuple("multiple-locks-in-changeset", "mysql-only"));
        assertThat(report.files().get(1).findings()).extracting(Finding::rule).containsExactly("missing-lock-timeout");
        assertThat(report.files().get(2).findings()).extracting(Finding::rule).containsExactly("missing-lock-timeout");
        assertThat(report.files().get(0).findings().get(1).lock()).contains("ALGORITHM=COPY");
    }

    @Test
    void neverRunsTheCodeAChangeWouldRun(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("command-ran");
        Files.writeString(dir.resolve("code.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
                    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd">
                  <changeSet id="shell" author="tests">
                    <executeCommand executable="touch"><arg value="%s"/></executeCommand>
                  </changeSet>
                  <changeSet id="task" author="tests">
                    <customChange class="io.github.expandcontract.lint.extension.RecalculateTotalsTask"/>
                  </changeSet>
                </databaseChangeLog>
                """.formatted(marker));
        int executions = RecalculateTotalsTask.EXECUTIONS.get();

        FileReport report = new ChangelogLinter().lint(ChangelogLinter.directories(List.of(dir)), "code.xml");

        assertThat(report.findings()).extracting(Finding::rule, Finding::changeSetId)
                .containsExactly(tuple("unclassified-change", "shell"), tuple("unclassified-change", "task"));
        assertThat(marker).doesNotExist();
        assertThat(RecalculateTotalsTask.EXECUTIONS.get()).isEqualTo(executions);
    }

    @Test
    void sqlForAnotherDatabaseIsSkipped(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("dbms.yaml"), """
                databaseChangeLog:
                  - changeSet:
                      id: per-database
                      author: tests
                      changes:
                        - sql: {dbms: mysql, sql: "ALTER TABLE orders ADD INDEX orders_a (a)"}
                        - sql: {dbms: "postgresql", sql: "SET lock_timeout = '2s'"}
                        - sql: {dbms: "!mysql", sql: "ALTER TABLE orders RENAME COLUMN a TO b"}
                """);

        FileReport report = new ChangelogLinter().lint(ChangelogLinter.directories(List.of(dir)), "dbms.yaml");

        assertThat(report.findings()).extracting(Finding::rule).containsExactly("rename-column");
    }

    @Test
    void failOnThresholds() throws Exception {
        LintReport warningsOnly = lint("corpus/missing-lock-timeout/dangerous.xml");
        assertThat(warningsOnly.fails(LintReport.FailOn.ERROR)).isFalse();
        assertThat(warningsOnly.fails(LintReport.FailOn.WARNING)).isTrue();
        assertThat(lint("corpus/drop-table/dangerous.sql").fails(LintReport.FailOn.ERROR)).isTrue();
        assertThat(lint("corpus/drop-table/dangerous.sql").fails(LintReport.FailOn.NEVER)).isFalse();
    }

    @Test
    void textReportNamesRuleChangeSetLineLockAndFix() throws Exception {
        String text = lint("corpus/set-not-null/dangerous.xml", "corpus/drop-table/safe.sql").toText();

        assertThat(text).contains("ERROR set-not-null in changeset email-not-null (corpus) at corpus/set-not-null/dangerous.xml:6")
                .contains("lock: ACCESS EXCLUSIVE").contains("fix: Use <ec:addNotNullConstraintOnline")
                .contains("suppressed drop-table in changeset drop-legacy: no release since 2.3 reads legacy_orders")
                .contains("1 error(s), 1 warning(s), 0 info, 1 suppressed in 2 file(s)");
    }
}
