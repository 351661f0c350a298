package io.github.expandcontract.lint;

import java.util.List;

/**
 * The result of linting one or more changelogs: one {@link FileReport} per requested file, in the
 * order requested. {@link #toJson()} and {@link #toText()} render it.
 */
public record LintReport(List<FileReport> files) {

    public LintReport {
        files = List.copyOf(files);
    }

    /** Every finding of every file. */
    public List<Finding> findings() {
        return this.files.stream().flatMap(file -> file.findings().stream()).toList();
    }

    public long count(Severity severity) {
        return findings().stream().filter(finding -> finding.severity() == severity).count();
    }

    /** Whether a check with this threshold fails. */
    public boolean fails(FailOn failOn) {
        return switch (failOn) {
            case ERROR -> count(Severity.ERROR) > 0;
            case WARNING -> count(Severity.ERROR) + count(Severity.WARNING) > 0;
            case NEVER -> false;
        };
    }

    /** The JSON report: {@code {"files": [{"file", "findings": [...], "suppressed": [...]}]}}. */
    public String toJson() {
        return ReportWriter.json(this);
    }

    /** A report for people: one block per finding, then a summary line. */
    public String toText() {
        return ReportWriter.text(this);
    }

    /** The findings that fail a check: {@code error}, {@code warning} or {@code never}. */
    public enum FailOn {
        ERROR,
        WARNING,
        NEVER;

        public static FailOn parse(String value) {
            for (FailOn failOn : values()) {
                if (failOn.name().equalsIgnoreCase(value.trim())) {
                    return failOn;
                }
            }
            throw new IllegalArgumentException("unknown fail-on value '" + value + "': use error, warning or never");
        }
    }
}
