package io.github.expandcontract.lint;

/**
 * One dangerous change found in a changelog.
 *
 * @param rule the rule's id
 * @param severity how bad it is
 * @param changeSetId the changeset's id, or {@code null} for a file that could not be parsed
 * @param author the changeset's author, or {@code null}
 * @param line the 1-based line where the changeset starts in {@code changeLog}, or {@code null} when unknown
 * @param changeLog the file holding the changeset (an included file, or the linted file itself)
 * @param lock the lock taken and what it blocks
 * @param rewritesTable whether the statement rewrites the table
 * @param message what is wrong, naming the statement
 * @param fix the safe alternative
 */
public record Finding(String rule, Severity severity, String changeSetId, String author, Integer line, String changeLog,
        String lock, boolean rewritesTable, String message, String fix) {
}
