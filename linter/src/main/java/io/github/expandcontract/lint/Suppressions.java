package io.github.expandcontract.lint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The suppressions a changeset's comment declares, one per line:
 * {@code ec-lint:ignore rule-id[,rule-id...] reason}. The reason is required: a suppression
 * without one, or naming no known rule, is not honoured and is reported instead.
 */
final class Suppressions {

    private static final Pattern DIRECTIVE = Pattern.compile(
            "ec-lint:ignore\\s+([A-Za-z0-9-]+(?:\\s*,\\s*[A-Za-z0-9-]+)*)[ \\t]*(?:--|:|-)?[ \\t]*([^\\r\\n]*)");

    private final Map<String, String> reasons = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    Suppressions(String comment) {
        if (comment == null) {
            return;
        }
        Matcher m = DIRECTIVE.matcher(comment);
        while (m.find()) {
            String reason = m.group(2).trim();
            for (String id : m.group(1).split("\\s*,\\s*")) {
                if (Rule.byId(id).isEmpty()) {
                    this.problems.add("'ec-lint:ignore " + id + "' names no rule of the linter");
                } else if (reason.isEmpty()) {
                    this.problems.add("'ec-lint:ignore " + id + "' gives no reason, so it is not applied");
                } else {
                    this.reasons.put(id, reason);
                }
            }
        }
        if (comment.contains("ec-lint:") && !m.reset().find()) {
            this.problems.add("the comment mentions ec-lint: but holds no 'ec-lint:ignore <rule-id> <reason>'");
        }
    }

    /** The reason given for suppressing this rule, or {@code null}. */
    String reason(String ruleId) {
        return this.reasons.get(ruleId);
    }

    List<String> problems() {
        return this.problems;
    }
}
