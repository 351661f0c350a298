package io.github.expandcontract.sample.status;

import io.github.expandcontract.actuate.MigrationReport;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.sample.traffic.TrafficStatsSource;
import io.github.expandcontract.sample.traffic.TrafficStats;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The status page as one server-rendered HTML document: no script, a meta refresh every
 * {@value #REFRESH_SECONDS} s, so what a browser (or {@code chromium --dump-dom}) gets is complete
 * as soon as it loads. Per migration: a one-line verdict, the phase of every live instance, the
 * backfill's progress bar, rate and ETA, and the verification; then the traffic's counters.
 */
final class StatusPage {

    static final int REFRESH_SECONDS = 2;

    private static final String STYLE = """
            body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#1d2330;background:#f5f6f8}
            h1{font-size:22px;margin:0 0 4px} .sub{color:#5a6272;margin:0 0 18px}
            section{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:14px 18px;margin:0 0 16px}
            h2{font-size:18px;margin:0 0 2px} .cols{color:#5a6272;font-family:ui-monospace,monospace;font-size:13px}
            .phase{display:inline-block;border-radius:10px;padding:1px 9px;font-size:13px;color:#fff;background:#4a5568;margin-left:6px}
            .phase.expand{background:#718096}.phase.dual-write{background:#3182ce}.phase.backfill{background:#d69e2e}
            .phase.read-new{background:#38a169}.phase.contract{background:#805ad5}
            .verdict{font-weight:600;margin:8px 0}
            .verdict.bad{color:#c53030}.verdict.good{color:#276749}
            .bar{height:22px;background:#e2e8f0;border-radius:6px;overflow:hidden;position:relative;margin:6px 0 10px}
            .fill{height:100%;background:linear-gradient(90deg,#3182ce,#38a169)}
            .bar span{position:absolute;left:0;right:0;top:0;text-align:center;font-size:13px;line-height:22px;font-weight:600}
            table{border-collapse:collapse;font-size:14px;margin:4px 0}
            th,td{text-align:left;padding:3px 14px 3px 0;vertical-align:top} th{color:#5a6272;font-weight:500}
            .num{font-variant-numeric:tabular-nums} .bad{color:#c53030;font-weight:600} .good{color:#276749;font-weight:600}
            .grid{display:flex;gap:36px;flex-wrap:wrap}
            """;

    private StatusPage() {
    }

    static String render(List<MigrationReport> migrations, TrafficStatsSource.Reading traffic, String answeredBy, Instant now) {
        StringBuilder html = new StringBuilder(8_000);
        html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">")
                .append("<title>expand-contract status</title><style>").append(STYLE).append("</style></head><body>")
                .append("<h1>expand-contract: where the migrations stand</h1>")
                .append("<p class=\"sub\">answered by instance ").append(esc(answeredBy)).append(" at ")
                .append(now.truncatedTo(ChronoUnit.SECONDS)).append(", refreshes every ").append(REFRESH_SECONDS).append(" s</p>");
        if (migrations.isEmpty()) {
            html.append("<section><p>No migration: the application declares no @DualWrite field, or the Actuator endpoint "
                    + "expandcontract is turned off (management.endpoint.expandcontract.access=none).</p></section>");
        }
        for (MigrationReport migration : migrations) {
            migration(html, migration);
        }
        traffic(html, traffic);
        return html.append("</body></html>").toString();
    }

    private static void migration(StringBuilder html, MigrationReport m) {
        MigrationReport.Backfill backfill = m.backfill();
        MigrationReport.Verification verification = m.verification();
        html.append("<section class=\"migration\" id=\"migration-").append(esc(m.id())).append("\">")
                .append("<h2>").append(esc(m.id())).append(phaseBadge(m.phase())).append("</h2>")
                .append("<div class=\"cols\">").append(esc(m.table())).append(": ").append(esc(m.oldColumn())).append(" &rarr; ")
                .append(esc(m.newColumn())).append("</div>");
        Verdict verdict = verdict(m);
        html.append("<div class=\"verdict ").append(verdict.tone()).append("\">").append(esc(verdict.text())).append("</div>");
        html.append("<div class=\"cols next\" title=\"").append(esc(m.fleet().reason() == null ? "" : m.fleet().reason())).append("\">")
                .append(esc(nextSteps(m))).append("</div>");

        double percent = Math.max(0, Math.min(100, backfill.percent()));
        html.append("<div class=\"bar\" role=\"progressbar\" aria-valuenow=\"").append(fmt1(percent))
                .append("\" aria-valuemin=\"0\" aria-valuemax=\"100\"><div class=\"fill\" style=\"width:").append(fmt1(percent))
                .append("%\"></div><span class=\"percent\">backfill ").append(fmt1(percent)).append("%</span></div>");

        html.append("<div class=\"grid\"><table class=\"backfill\"><tr><th colspan=\"2\">Backfill</th></tr>")
                .append(row("status", esc(backfill.status().name())))
                .append(row("rows", num(backfill.rowsProcessed()) + " of " + (backfill.rowsTotal() == null ? "?" : "~" + num(backfill.rowsTotal()))))
                .append(row("rows/s", num(Math.round(backfill.rowsPerSecond()))))
                .append(row("ETA", backfill.etaSeconds() == null ? "&ndash;" : duration(backfill.etaSeconds())))
                .append(row("failed rows", backfill.failedRows() == 0 ? "0" : "<span class=\"bad\">" + num(backfill.failedRows()) + "</span>"));
        if (backfill.lastError() != null) {
            html.append(row("last error", "<span class=\"bad\">" + esc(backfill.lastError()) + "</span>"));
        }
        html.append("</table><table class=\"verification\"><tr><th colspan=\"2\">Verification</th></tr>")
                .append(row("result", statusCell(verification.status().name())))
                .append(row("rows checked", num(verification.rowsChecked())))
                .append(row("mismatches", verification.mismatches() == 0 ? "0"
                        : "<span class=\"bad\">" + num(verification.mismatches()) + "</span> (ids " + esc(String.join(", ", verification.sampleMismatchIds())) + ")"))
                .append(row("finished", verification.finishedAt() == null ? "&ndash;" : esc(verification.finishedAt().truncatedTo(ChronoUnit.SECONDS).toString())))
                .append("</table><table class=\"instances\"><tr><th>Live instance</th><th>phase</th><th>last seen</th></tr>");
        for (MigrationReport.Instance instance : m.instances()) {
            html.append("<tr><td>").append(esc(instance.instanceId())).append(instance.thisInstance() ? " (this one)" : "").append("</td><td>")
                    .append(phaseBadge(instance.phase())).append("</td><td>").append(esc(instance.lastSeen().truncatedTo(ChronoUnit.SECONDS).toString()))
                    .append("</td></tr>");
        }
        html.append("</table></div></section>");
    }

    /** One line that says where the migration stands. */
    record Verdict(String text, String tone) {
    }

    static Verdict verdict(MigrationReport m) {
        Map<String, Long> phases = m.instances().stream()
                .collect(Collectors.groupingBy(MigrationReport.Instance::phase, TreeMap::new, Collectors.counting()));
        String fleet = phases.size() > 1
                ? "rolling deploy: " + phases.entrySet().stream().map(e -> e.getValue() + " in " + e.getKey()).collect(Collectors.joining(", "))
                : phases.isEmpty() ? "no live instance" : "all " + m.instances().size() + " instance(s) in " + phases.keySet().iterator().next();
        MigrationReport.Backfill b = m.backfill();
        MigrationReport.Verification v = m.verification();
        String state;
        String tone = "";
        switch (b.status()) {
            case RUNNING -> state = "backfill running, " + fmt1(b.percent()) + "%";
            case PAUSED -> state = "backfill PAUSED at " + fmt1(b.percent()) + "% (resume it)";
            case FAILED -> {
                state = "backfill FAILED: " + b.lastError();
                tone = "bad";
            }
            case COMPLETED -> state = "backfill completed";
            default -> state = b.waitingFor().isEmpty() ? "backfill not started"
                    : "backfill waiting for " + b.waitingFor().size() + " instance(s) still in expand";
        }
        switch (v.status()) {
            case PASSED -> {
                state += ", verified: " + num(v.rowsChecked()) + " rows, 0 mismatches";
                tone = tone.isEmpty() ? "good" : tone;
            }
            case FAILED -> {
                state += ", verification FAILED: " + num(v.mismatches()) + " mismatches";
                tone = "bad";
            }
            case RUNNING -> state += ", verifying";
            default -> {
            }
        }
        return new Verdict(fleet + " \u2014 " + state, tone);
    }

    /**
     * The fleet's next phase; for read-new and contract, whether the rolling-deploy rules allow it,
     * from the library's own decision (the endpoint's {@code fleet}), with the refusing rule's
     * message cut short; the page shows the whole reason on hover.
     */
    static String nextSteps(MigrationReport m) {
        int furthest = m.instances().stream().mapToInt(i -> Phase.parse(i.phase()).ordinal()).max()
                .orElse(Phase.parse(m.phase()).ordinal());
        if (furthest >= Phase.CONTRACT.ordinal()) {
            return "contract reached";
        }
        if (furthest < Phase.BACKFILL.ordinal()) {
            // the rules gate read-new and contract only; these steps need the previous one on every instance
            return "next: " + Phase.values()[furthest + 1].configName() + ", one rolling deploy";
        }
        boolean readNewNext = furthest < Phase.READ_NEW.ordinal();
        String next = readNewNext ? "read-new" : "contract";
        boolean allowed = readNewNext ? m.fleet().readNewAllowed() : m.fleet().contractAllowed();
        if (allowed) {
            return "next: " + next + " allowed";
        }
        String why = readNewNext ? m.fleet().readNewRefusal() : m.fleet().contractRefusal();
        return "next: " + next + " not yet" + (why == null ? "" : " \u2014 " + abbreviate(why, 160));
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "\u2026";
    }

    private static void traffic(StringBuilder html, TrafficStatsSource.Reading reading) {
        html.append("<section id=\"traffic\"><h2>Traffic</h2><div class=\"cols\">").append(esc(reading.source())).append("</div>");
        TrafficStats t = reading.stats();
        if (t == null) {
            html.append("<p>").append(esc(reading.problem())).append("</p></section>");
            return;
        }
        html.append("<table><tr>").append("<th>requests</th><th>failed</th><th>p99</th><th>max</th><th>reads</th><th>inserts</th>")
                .append("<th>updates</th><th>running for</th></tr><tr class=\"num\">")
                .append("<td class=\"requests\">").append(num(t.requests())).append("</td>")
                .append("<td class=\"failures\">").append(t.failures() == 0 ? "<span class=\"good\">0</span>" : "<span class=\"bad\">" + num(t.failures()) + "</span>")
                .append("</td><td class=\"p99\">").append(num(t.p99Millis())).append(" ms</td><td>").append(num(t.maxMillis())).append(" ms</td><td>")
                .append(num(t.reads())).append("</td><td>").append(num(t.inserts())).append("</td><td>").append(num(t.updates())).append("</td><td>")
                .append(duration(t.seconds())).append(t.running() ? "" : " (stopped)").append("</td></tr></table>");
        if (!t.recentFailures().isEmpty()) {
            html.append("<p class=\"bad\">Latest failures:</p><ul>");
            t.recentFailures().forEach(f -> html.append("<li>").append(esc(f)).append("</li>"));
            html.append("</ul>");
        }
        html.append("</section>");
    }

    private static String row(String name, String valueHtml) {
        return "<tr><td>" + name + "</td><td class=\"num\">" + valueHtml + "</td></tr>";
    }

    private static String statusCell(String status) {
        String tone = switch (status) {
            case "PASSED" -> "good";
            case "FAILED" -> "bad";
            default -> "";
        };
        return "<span class=\"" + tone + "\">" + esc(status) + "</span>";
    }

    private static String phaseBadge(String phase) {
        return "<span class=\"phase " + esc(phase) + "\">" + esc(phase) + "</span>";
    }

    private static String num(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String fmt1(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }

    private static String duration(long seconds) {
        Duration d = Duration.ofSeconds(seconds);
        return d.toHours() > 0 ? String.format(Locale.ROOT, "%dh %02dm", d.toHours(), d.toMinutesPart())
                : d.toMinutes() > 0 ? String.format(Locale.ROOT, "%dm %02ds", d.toMinutes(), d.toSecondsPart()) : d.toSeconds() + " s";
    }

    private static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
