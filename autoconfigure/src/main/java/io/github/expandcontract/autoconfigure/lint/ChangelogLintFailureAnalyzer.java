package io.github.expandcontract.autoconfigure.lint;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a {@link ChangelogLintException} into Spring Boot's startup failure report. */
class ChangelogLintFailureAnalyzer extends AbstractFailureAnalyzer<ChangelogLintException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ChangelogLintException cause) {
        String description = "The Liquibase changelog " + cause.getChangeLog() + " has " + cause.getErrors()
                + " change(s) that lock or rewrite a busy table, so Liquibase was not run:\n" + cause.getReport();
        String action = "Rewrite each flagged changeset as its fix says (docs/linter.md explains every rule), or, where a change is "
                + "safe for a reason the linter cannot see, suppress it in the changeset's comment: "
                + "'ec-lint:ignore <rule-id> <reason>'. To start anyway and only log the findings, set expand-contract.lint.on-startup=warn.";
        return new FailureAnalysis(description, action, cause);
    }
}
