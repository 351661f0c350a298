package io.github.expandcontract.lint.sql;

import java.util.ArrayList;
import java.util.List;

/** Lexical helpers: statement splitting, comment stripping, masking of quoted and parenthesised text. */
final class SqlText {

    private SqlText() {
    }

    /**
     * The statements of a script: split at semicolons outside quotes, dollar quotes, comments and
     * parentheses; comments removed; whitespace collapsed; empty statements dropped.
     */
    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                int end = script.indexOf('\n', i);
                i = end < 0 ? n : end;
                current.append(' ');
                continue;
            }
            if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = script.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                current.append(' ');
                continue;
            }
            if (c == '\'' || c == '"' || c == '`') {
                int end = closingQuote(script, i, c);
                current.append(script, i, end);
                i = end;
                continue;
            }
            if (c == '$') {
                int tagEnd = dollarTagEnd(script, i);
                if (tagEnd > 0) {
                    String tag = script.substring(i, tagEnd);
                    int close = script.indexOf(tag, tagEnd);
                    int end = close < 0 ? n : close + tag.length();
                    current.append(script, i, end);
                    i = end;
                    continue;
                }
            }
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth = Math.max(0, depth - 1);
            } else if (c == ';' && depth == 0) {
                add(statements, current);
                current.setLength(0);
                i++;
                continue;
            }
            current.append(c);
            i++;
        }
        add(statements, current);
        return statements;
    }

    private static void add(List<String> statements, StringBuilder statement) {
        String collapsed = collapse(statement.toString());
        if (!collapsed.isEmpty()) {
            statements.add(collapsed);
        }
    }

    /** Whitespace outside quotes collapsed to single spaces, trimmed. */
    static String collapse(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean space = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                int end = closingQuote(text, i, c);
                if (space && out.length() > 0) {
                    out.append(' ');
                }
                space = false;
                out.append(text, i, end);
                i = end;
                continue;
            }
            if (Character.isWhitespace(c)) {
                space = true;
            } else {
                if (space && out.length() > 0) {
                    out.append(' ');
                }
                space = false;
                out.append(c);
            }
            i++;
        }
        return out.toString();
    }

    /** Index just past the quote that closes the one at {@code start} (doubled quotes are escapes). */
    private static int closingQuote(String text, int start, char quote) {
        int i = start + 1;
        while (i < text.length()) {
            if (text.charAt(i) == quote) {
                if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return text.length();
    }

    /** If a dollar-quote tag ({@code $$} or {@code $name$}) starts at {@code start}, the index past it; else -1. */
    private static int dollarTagEnd(String text, int start) {
        int i = start + 1;
        while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
            i++;
        }
        if (i < text.length() && text.charAt(i) == '$' && (i == start + 1 || !Character.isDigit(text.charAt(start + 1)))) {
            return i + 1;
        }
        return -1;
    }

    /**
     * The same text with everything inside parentheses and quotes replaced by {@code _}, so that
     * keyword searches only see the top level; indexes stay those of the original.
     */
    static String mask(String text) {
        char[] out = text.toCharArray();
        int depth = 0;
        int i = 0;
        while (i < out.length) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                int end = closingQuote(text, i, c);
                for (int j = i + 1; j < end - 1; j++) {
                    out[j] = '_';
                }
                i = end;
                continue;
            }
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth = Math.max(0, depth - 1);
            } else if (depth > 0) {
                out[i] = '_';
            }
            i++;
        }
        return new String(out);
    }

    /** Parts separated by {@code separator} at the top level (outside parentheses and quotes). */
    static List<String> splitTopLevel(String text, char separator) {
        String masked = mask(text);
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < masked.length(); i++) {
            char c = masked.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == separator && depth == 0) {
                parts.add(text.substring(start, i).trim());
                start = i + 1;
            }
        }
        parts.add(text.substring(start).trim());
        parts.removeIf(String::isEmpty);
        return parts;
    }

    /** The text between the first top-level '(' at or after {@code from} and its closing ')', or null. */
    static String parenthesised(String text, int from) {
        int open = text.indexOf('(', from);
        if (open < 0) {
            return null;
        }
        String masked = mask(text);
        int depth = 0;
        for (int i = open; i < masked.length(); i++) {
            if (masked.charAt(i) == '(') {
                depth++;
            } else if (masked.charAt(i) == ')' && --depth == 0) {
                return text.substring(open + 1, i);
            }
        }
        return text.substring(open + 1);
    }

    /** An identifier as the database folds it here: quotes removed, lower case, schema dropped. */
    static String name(String qualified) {
        if (qualified == null) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (char c : qualified.trim().toCharArray()) {
            if (c == '"' || c == '`') {
                quoted = !quoted;
            } else if (c == '.' && !quoted) {
                parts.add(part.toString());
                part.setLength(0);
            } else if (quoted || !Character.isWhitespace(c)) {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts.get(parts.size() - 1).toLowerCase(java.util.Locale.ROOT);
    }
}
