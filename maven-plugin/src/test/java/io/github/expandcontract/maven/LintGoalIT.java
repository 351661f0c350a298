package io.github.expandcontract.maven;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The packaged goal run by a real Maven in a directory without a pom, as the contract's command
 * line does. The plugin, the linter and the parent pom are put into a local repository of the
 * test's own; everything else comes from the developer's local repository through a file mirror,
 * so nothing is downloaded and the shared local repository is not written to.
 */
class LintGoalIT {

    private static final String VERSION = System.getProperty("it.version");

    @TempDir
    Path work;

    @Test
    void goalRunsWithoutAPomWritesJsonAndFailsOnErrors() throws Exception {
        // failsafe passes these after packaging; a surefire run selected with -Dtest has neither
        assumeTrue(VERSION != null && System.getProperty("maven.home") != null, "run by failsafe after package");
        Path root = Path.of(System.getProperty("it.root")).toAbsolutePath().normalize();
        Path repository = this.work.resolve("repository");
        install(repository, "expand-contract-parent", root.resolve("pom.xml"), null);
        install(repository, "expand-contract-linter", root.resolve("linter/pom.xml"),
                root.resolve("linter/target/expand-contract-linter-" + VERSION + ".jar"));
        install(repository, "expand-contract-core", root.resolve("core/pom.xml"),
                root.resolve("core/target/expand-contract-core-" + VERSION + ".jar"));
        install(repository, "expand-contract-liquibase", root.resolve("liquibase/pom.xml"),
                root.resolve("liquibase/target/expand-contract-liquibase-" + VERSION + ".jar"));
        install(repository, "expand-contract-maven-plugin", root.resolve("maven-plugin/pom.xml"),
                root.resolve("maven-plugin/target/expand-contract-maven-plugin-" + VERSION + ".jar"));
        Path settings = this.work.resolve("settings.xml");
        Files.writeString(settings, """
                <settings>
                  <mirrors>
                    <mirror><id>developer-local-repository</id><mirrorOf>*</mirrorOf><url>%s</url></mirror>
                  </mirrors>
                </settings>
                """.formatted(Path.of(System.getProperty("it.repository")).toUri()));
        Path project = Files.createDirectories(this.work.resolve("project/db"));
        Files.writeString(project.resolve("a.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
                    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd">
                  <changeSet id="email-index" author="it">
                    <createIndex tableName="customers" indexName="customers_email_idx"><column name="email"/></createIndex>
                  </changeSet>
                </databaseChangeLog>
                """);
        // the library's own online change: the plugin must parse it (it ships the Liquibase extensions) and find nothing
        Files.writeString(project.resolve("c.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
                    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                    xmlns:ec="http://expandcontract.github.io/liquibase"
                    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd">
                  <changeSet id="email-index-online" author="it" runInTransaction="false">
                    <ec:createIndexConcurrently tableName="customers" indexName="customers_email_idx"><column name="email"/></ec:createIndexConcurrently>
                  </changeSet>
                </databaseChangeLog>
                """);
        Files.writeString(project.resolve("b.sql"), """
                --liquibase formatted sql

                --changeset it:segment
                SET lock_timeout = '2s';
                ALTER TABLE customers ADD COLUMN segment varchar(20);
                """);

        Path log = this.work.resolve("maven.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("maven.home"), "bin", "mvn").toString(), "-B",
                "-s", settings.toString(), "-Dmaven.repo.local=" + repository,
                "io.github.expandcontract:expand-contract-maven-plugin:" + VERSION + ":lint",
                "-Dexpand-contract.lint.changelogs=db/a.xml,db/b.sql,db/c.xml", "-Dexpand-contract.lint.format=json"));
        Process maven = new ProcessBuilder(command).directory(project.getParent().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(maven.waitFor(5, TimeUnit.MINUTES)).as("Maven finished").isTrue();
        String output = Files.readString(log);

        assertThat(maven.exitValue()).as(output).isEqualTo(1);
        assertThat(output).contains("expand-contract lint: 1 error(s), 1 warning(s) in 3 changelog(s) (fail-on error)");
        Path report = project.getParent().resolve("target/expand-contract-lint.json");
        assertThat(report).as(output).exists();
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertThat(json.get("files").valueStream().map(file -> file.get("file").asString())).containsExactly("db/a.xml", "db/b.sql", "db/c.xml");
        assertThat(json.get("files").get(0).get("findings").valueStream().map(finding -> finding.get("rule").asString()))
                .containsExactly("index-not-concurrent", "missing-lock-timeout");
        assertThat(json.get("files").get(1).get("findings")).isEmpty();
        assertThat(json.get("files").get(2).get("findings")).as("our own concurrent index change parses and is safe").isEmpty();
    }

    private static void install(Path repository, String artifactId, Path pom, Path jar) throws IOException {
        Path directory = Files.createDirectories(repository.resolve("io/github/expandcontract").resolve(artifactId).resolve(VERSION));
        Files.copy(pom, directory.resolve(artifactId + "-" + VERSION + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            assertThat(jar).as("built by the reactor before this test").exists();
            Files.copy(jar, directory.resolve(artifactId + "-" + VERSION + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
