package io.github.expandcontract.lint;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Renders a {@link LintReport}. The JSON is written by hand: the report is a fixed, flat shape,
 * and the linter stays free of a JSON library so that it can sit on any application's class path.
 */
final class ReportWriter {

    private ReportWriter() {
    }

    static String json(LintReport report) {
        StringBuilder out = new StringBuilder("{\"files\": [");
        each(report.files(), out, file -> {
            out.append("\n  {\"file\": ").append(string(file.file())).append(", \"findings\": [");
            each(file.findings(), out, finding -> out.append("\n    {")
                    .append("\"rule\": ").append(string(finding.rule()))
                    .append(", \"severity\": ").append(string(finding.severity().id()))
                    .append(", \"changeSetId\": ").append(string(finding.changeSetId()))
                    .append(", \"author\": ").append(string(finding.author()))
                    .append(", \"line\": ").append(finding.line() == null ? "null" : finding.line().toString())
                    .append(", \"lock\": ").append(string(finding.lock()))
                    .append(", \"rewritesTable\": ").append(finding.rewritesTable())
                    .append(", \"message\": ").append(string(finding.message()))
                    .append(", \"fix\": ").append(string(finding.fix()))
                    .append('}'));
            out.append("], \"suppressed\": [");
            each(file.suppressed(), out, suppression -> out.append("\n    {")
                    .append("\"rule\": ").append(string(suppression.rule()))
                    .append(", \"changeSetId\": ").append(string(suppression.changeSetId()))
                    .append(", \"reason\": ").append(string(suppression.reason()))
                    .append('}'));
            out.append("]}");
        });
        return out.append("\n]}\n").toString();
    }

    private static <T> void each(List<T> items, StringBuilder out, Consumer<T> writer) {
        for (Iterator<T> it = items.iterator(); it.hasNext();) {
            writer.accept(it.next());
            if (it.hasNext()) {
                out.append(',');
            }
        }
    }

    private static String string(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    static String text(LintReport report) {
        StringBuilder out = new StringBuilder();
        int suppressed = 0;
        for (FileReport file : report.files()) {
            out.append(file.file()).append(file.findings().isEmpty() ? ": no findings" : "").append('\n');
            for (Finding finding : file.findings()) {
                out.append("  ").append(finding.severity().id().toUpperCase(Locale.ROOT)).append(' ').append(finding.rule());
                if (finding.changeSetId() != null) {
                    out.append(" in changeset ").append(finding.changeSetId()).append(" (").append(finding.author()).append(')');
                }
                if (finding.changeLog() != null) {
                    out.append(" at ").append(finding.changeLog());
                    if (finding.line() != null) {
                        out.append(':').append(finding.line());
                    }
                }
                out.append("\n    ").append(finding.message())
                        .append("\n    lock: ").append(finding.lock()).append(finding.rewritesTable() ? " (rewrites the table)" : "")
                        .append("\n    fix: ").append(finding.fix()).append('\n');
            }
            for (Suppression suppression : file.suppressed()) {
                out.append("  suppressed ").append(suppression.rule()).append(" in changeset ").append(suppression.changeSetId())
                        .append(": ").append(suppression.reason()).append('\n');
            }
            suppressed += file.suppressed().size();
        }
        out.append(report.count(Severity.ERROR)).append(" error(s), ").append(report.count(Severity.WARNING))
                .append(" warning(s), ").append(report.count(Severity.INFO)).append(" info, ").append(suppressed)
                .append(" suppressed in ").append(report.files().size()).append(" file(s)\n");
        return out.toString();
    }
}
