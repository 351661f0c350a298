package io.github.expandcontract.maven;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The goal executed directly, its parameters set as Maven would set their defaults. */
class LintMojoTests {

    @TempDir
    Path project;

    private LintMojo mojo;

    @BeforeEach
    void copyProject() throws Exception {
        Path source = Path.of(LintMojoTests.class.getResource("/project").toURI());
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path target = this.project.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        this.mojo = new LintMojo();
        this.mojo.basedir = this.project.toFile();
        this.mojo.buildDirectory = this.project.resolve("target").toFile();
        this.mojo.format = "text";
        this.mojo.failOn = "error";
        this.mojo.database = "postgresql";
        this.mojo.postgresVersion = 12;
        this.mojo.searchPath = "src/main/resources";
    }

    @Test
    void defaultChangelogIsTheMasterChangelogAndAnErrorFailsTheBuild() {
        // customers comes from another file: an existing table, indexed without CONCURRENTLY
        assertThatThrownBy(this.mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessage("expand-contract lint: 1 error(s), 0 warning(s) in 1 changelog(s) (fail-on error)");
    }

    @Test
    void jsonGoesToTargetByDefaultWithEveryFileInOrder() throws Exception {
        this.mojo.changelogs = "db/warn.sql, db/safe.sql,db/changelog/db.changelog-master.yaml, db/missing.xml";
        this.mojo.format = "json";
        this.mojo.failOn = "never";

        this.mojo.execute();

        JsonNode json = new ObjectMapper().readTree(this.project.resolve("target/expand-contract-lint.json").toFile());
        assertThat(json.get("files").valueStream().map(file -> file.get("file").asString()))
                .containsExactly("db/warn.sql", "db/safe.sql", "db/changelog/db.changelog-master.yaml", "db/missing.xml");
        assertThat(json.get("files").get(0).get("findings").get(0).get("rule").asString()).isEqualTo("missing-lock-timeout");
        assertThat(json.get("files").get(1).get("findings")).isEmpty();
        assertThat(json.get("files").get(2).get("findings").get(0).get("rule").asString()).isEqualTo("index-not-concurrent");
        assertThat(json.get("files").get(3).get("findings").get(0).get("rule").asString()).isEqualTo("parse-error");
    }

    @Test
    void failOnWarningAndTextOutputFile() throws IOException {
        this.mojo.changelogs = new File(this.project.toFile(), "db/warn.sql").getAbsolutePath();
        this.mojo.output = this.project.resolve("reports/lint.txt").toFile();
        assertThatCode(this.mojo::execute).doesNotThrowAnyException();

        this.mojo.failOn = "warning";
        assertThatThrownBy(this.mojo::execute).isInstanceOf(MojoFailureException.class).hasMessageContaining("1 warning(s)");
        assertThat(Files.readString(this.project.resolve("reports/lint.txt"))).contains("WARNING missing-lock-timeout in changeset segment (project)");
    }

    @Test
    void badParametersAndMissingChangelogAreReported() throws Exception {
        this.mojo.format = "xml";
        assertThatThrownBy(this.mojo::execute).isInstanceOf(MojoExecutionException.class).hasMessageContaining("text or json");
        this.mojo.format = "text";
        this.mojo.failOn = "sometimes";
        assertThatThrownBy(this.mojo::execute).isInstanceOf(MojoExecutionException.class).hasMessageContaining("error, warning or never");
        this.mojo.failOn = "error";
        Files.delete(this.project.resolve("src/main/resources/db/changelog/db.changelog-master.yaml"));
        assertThatThrownBy(this.mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("no changelog to lint").hasMessageContaining("-Dexpand-contract.lint.changelogs=");
    }

    @Test
    void withoutAPomTheBaseDirectoryIsWhereMavenRuns() throws Exception {
        this.mojo.basedir = null;
        this.mojo.buildDirectory = null;
        this.mojo.executionRootDirectory = this.project.toFile();
        this.mojo.changelogs = "db/safe.sql";
        this.mojo.format = "json";

        this.mojo.execute();

        assertThat(this.project.resolve("target/expand-contract-lint.json")).exists();
    }

    @Test
    void skip() {
        this.mojo.skip = true;
        assertThatCode(this.mojo::execute).doesNotThrowAnyException();
        assertThat(this.project.resolve("target")).doesNotExist();
    }
}
