package io.github.expandcontract.lint;

import liquibase.resource.Resource;
import liquibase.resource.ResourceAccessor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the line where a changeset starts. Liquibase's ChangeSet carries no line number, so the
 * changeset's file is searched for its id: {@code id="..."} in a {@code <changeSet>} tag (XML),
 * {@code id: ...} (YAML), {@code "id": "..."} (JSON), {@code --changeset author:id} (formatted SQL).
 * Where the same id occurs more than once, the occurrence closest after one naming the author wins.
 */
final class ChangeSetLines {

    private final ResourceAccessor accessor;
    private final Map<String, String> texts = new HashMap<>();

    ChangeSetLines(ResourceAccessor accessor) {
        this.accessor = accessor;
    }

    Integer find(String file, String id, String author) {
        String text = this.texts.computeIfAbsent(file, this::read);
        if (text == null || id == null) {
            return null;
        }
        String quotedId = Pattern.quote(id);
        String lower = file.toLowerCase(Locale.ROOT);
        Pattern pattern;
        if (lower.endsWith(".sql")) {
            pattern = Pattern.compile("--\\s*changeset\\s+\"?" + Pattern.quote(author == null ? "" : author) + "\"?:\"?" + quotedId + "\"?(?=[\\s\"]|$)",
                    Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);
        } else if (lower.endsWith(".xml")) {
            pattern = Pattern.compile("<(?:\\w+:)?changeSet\\b[^>]*?\\sid\\s*=\\s*[\"']" + quotedId + "[\"']");
        } else if (lower.endsWith(".json")) {
            pattern = Pattern.compile("\"id\"\\s*:\\s*\"" + quotedId + "\"");
        } else {
            pattern = Pattern.compile("\\bid\\s*:\\s*[\"']?" + quotedId + "[\"']?\\s*(?:[,}#]|$)", Pattern.MULTILINE);
        }
        Matcher m = pattern.matcher(text);
        Integer first = null;
        while (m.find()) {
            int line = lineOf(text, m.start());
            if (first == null) {
                first = line;
            }
            if (author == null || mentionsAuthor(text, m.start(), author)) {
                return line;
            }
        }
        return first;
    }

    /** Whether the author appears near the id: in the same tag, map or header. */
    private static boolean mentionsAuthor(String text, int at, String author) {
        int from = Math.max(0, at - 300);
        int to = Math.min(text.length(), at + 300);
        return text.substring(from, to).contains(author);
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private String read(String file) {
        try {
            Resource resource = this.accessor.get(file);
            if (resource == null || !resource.exists()) {
                return null;
            }
            try (InputStream in = resource.openInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
