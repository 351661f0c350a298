package io.github.expandcontract.lint;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The sample app's own changelogs, as a user's build would lint them. */
class SampleAppChangelogTests {

    @Test
    void sampleAppChangelogHasNoErrorsButTakesItsLocksWithoutLockTimeout() {
        Path resources = Path.of("../sample-app/src/main/resources").toAbsolutePath().normalize();
        LintReport report = new ChangelogLinter().lint(ChangelogLinter.directories(List.of(resources)),
                List.of("db/changelog/db.changelog-master.yaml"));

        // 001 creates customers in its own file and the demo seed fills it; 002 and 004 (add a nullable
        // column) and 003 and 005 (drop NOT NULL) are metadata-only on PostgreSQL but take ACCESS
        // EXCLUSIVE on the existing table with no lock_timeout
        assertThat(report.findings()).extracting(Finding::rule, Finding::changeSetId, Finding::severity).containsExactly(
                tuple("missing-lock-timeout", "002-expand-add-email-address", Severity.WARNING),
                tuple("missing-lock-timeout", "003-contract-email-nullable", Severity.WARNING),
                tuple("missing-lock-timeout", "004-expand-add-credit-limit", Severity.WARNING),
                tuple("missing-lock-timeout", "005-contract-credit-limit-cents-nullable", Severity.WARNING));
        assertThat(report.fails(LintReport.FailOn.ERROR)).isFalse();
    }
}
