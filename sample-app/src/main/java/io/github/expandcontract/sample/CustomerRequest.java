package io.github.expandcontract.sample;

import java.math.BigDecimal;

/**
 * Body of {@code POST /customers} and {@code PUT /customers/{id}}.
 * <p>
 * A client may send the e-mail as {@code email} (what old clients know) or as
 * {@code emailAddress} (the new name), and the credit limit as {@code creditLimitCents} (old:
 * whole cents, {@code 1999}) or {@code creditLimit} (new: an amount, {@code 19.99}); each ends up
 * in both columns while its migration runs. Sending both fields of a pair with different values is
 * refused: the server could not tell which one is meant.
 */
public record CustomerRequest(String name, String email, String emailAddress, Long creditLimitCents, BigDecimal creditLimit) {
}
