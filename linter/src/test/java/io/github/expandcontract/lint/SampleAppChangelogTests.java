package io.github.expandcontract.lint;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample app's own changelogs, as a user's build would lint them. */
class SampleAppChangelogTests {

    @Test
    void sampleAppChangelogIsClean() {
        Path resources = Path.of("../sample-app/src/main/resources").toAbsolutePath().normalize();
        LintReport report = new ChangelogLinter().lint(ChangelogLinter.directories(List.of(resources)),
                List.of("db/changelog/db.changelog-master.yaml"));

        // 001 creates customers in its own file and the demo seed fills it; 002 and 004 (add a nullable
        // column) and 003 and 005 (drop NOT NULL) are metadata-only on PostgreSQL but take ACCESS
        // EXCLUSIVE on the existing table, each under its own SET LOCAL lock_timeout
        assertThat(report.findings()).as(report.toText()).isEmpty();
        assertThat(report.files()).allSatisfy(file -> assertThat(file.suppressed()).isEmpty());
    }
}
