package io.github.expandcontract.lint;

/**
 * A finding that a changeset's comment suppressed ({@code ec-lint:ignore <rule> <reason>}).
 */
public record Suppression(String rule, String changeSetId, String reason) {
}
