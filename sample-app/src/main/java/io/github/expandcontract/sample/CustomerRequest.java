package io.github.expandcontract.sample;

/**
 * Body of {@code POST /customers} and {@code PUT /customers/{id}}.
 * <p>
 * A client may send the e-mail as {@code email} (what old clients know) or as
 * {@code emailAddress} (the new name); both end up in both columns while the migration runs.
 * Sending both with different values is refused: the server could not tell which one is meant.
 */
public record CustomerRequest(String name, String email, String emailAddress) {
}
