package io.github.expandcontract.lint;

import java.util.Locale;

/** How bad a finding is; {@code error} fails a build or a startup by default. */
public enum Severity {
    ERROR,
    WARNING,
    INFO;

    /** The lower-case name used in reports and options. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
