package io.github.expandcontract.lint;

import java.util.List;

/** What the linter found in one requested changelog, the files it includes counted in. */
public record FileReport(String file, List<Finding> findings, List<Suppression> suppressed) {

    public FileReport {
        findings = List.copyOf(findings);
        suppressed = List.copyOf(suppressed);
    }
}
