package io.github.expandcontract.autoconfigure.lint;

/**
 * Thrown before Liquibase runs when {@code expand-contract.lint.on-startup=fail} and the changelog
 * has an error-level finding. Holds the report as text only, so that it loads without the linter.
 */
public class ChangelogLintException extends RuntimeException {

    private final String changeLog;
    private final long errors;
    private final String report;

    public ChangelogLintException(String changeLog, long errors, String report) {
        super("Liquibase changelog " + changeLog + " has " + errors + " dangerous change(s); Liquibase was not run:\n" + report);
        this.changeLog = changeLog;
        this.errors = errors;
        this.report = report;
    }

    public String getChangeLog() {
        return this.changeLog;
    }

    public long getErrors() {
        return this.errors;
    }

    /** The linter's text report. */
    public String getReport() {
        return this.report;
    }
}
