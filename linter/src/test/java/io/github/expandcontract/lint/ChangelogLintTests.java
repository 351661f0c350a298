package io.github.expandcontract.lint;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangelogLintTests {

    @Test
    void safeChangelogOnTheClassPathPasses() {
        assertThatCode(() -> ChangelogLint.assertSafe("corpus/index-not-concurrent/safe.xml", "classpath:/corpus/drop-column/safe.yaml"))
                .doesNotThrowAnyException();
    }

    @Test
    void warningsAloneDoNotFailByDefault() {
        assertThatCode(() -> ChangelogLint.assertSafe("corpus/missing-lock-timeout/dangerous.xml")).doesNotThrowAnyException();
        assertThatThrownBy(() -> ChangelogLint.assertSafe(LintOptions.defaults(), LintReport.FailOn.WARNING,
                "corpus/missing-lock-timeout/dangerous.xml"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("missing-lock-timeout");
    }

    @Test
    void dangerousChangelogFailsListingTheFindings() {
        assertThatThrownBy(() -> ChangelogLint.assertSafe("corpus/index-not-concurrent/dangerous.xml"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("index-not-concurrent in changeset idx-email (corpus)")
                .hasMessageContaining("fix: Build it with <ec:createIndexConcurrently>");
    }

    @Test
    void aFileOutsideTheClassPathIsFoundRelativeToTheWorkingDirectory() {
        assertThatThrownBy(() -> ChangelogLint.assertSafe("src/test/resources/corpus/drop-table/dangerous.sql"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("drop-table");
    }
}
