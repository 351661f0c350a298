package io.github.expandcontract.convert;

import io.github.expandcontract.ColumnConverter;

import java.math.BigDecimal;

/**
 * Integer cents in a {@code bigint} column ({@code Long}) to a decimal amount ({@code BigDecimal},
 * scale 2), e.g. {@code 1999} to {@code 19.99}.
 * <p>
 * Going back refuses an amount with more than two decimal places (e.g. {@code 0.005}) instead of
 * rounding it: a rounded value would be a silent data change. The refusal surfaces as a
 * conversion error naming the migration, the row and the value.
 */
public class CentsToAmountConverter implements ColumnConverter<Long, BigDecimal> {

    @Override
    public BigDecimal toNew(Long cents) {
        return BigDecimal.valueOf(cents, 2);
    }

    @Override
    public Long toOld(BigDecimal amount) {
        // longValueExact throws ArithmeticException for a fractional cent or an overflow
        return amount.movePointRight(2).longValueExact();
    }
}
