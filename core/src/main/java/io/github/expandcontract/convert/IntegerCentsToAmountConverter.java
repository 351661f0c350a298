package io.github.expandcontract.convert;

import io.github.expandcontract.ColumnConverter;

import java.math.BigDecimal;

/**
 * Integer cents in an {@code integer} column ({@code Integer}) to a decimal amount
 * ({@code BigDecimal}, scale 2), e.g. {@code 1999} to {@code 19.99}; the {@code Integer} twin of
 * {@link CentsToAmountConverter}.
 * <p>
 * Going back refuses an amount with more than two decimal places (e.g. {@code 0.005}) or one
 * beyond the {@code Integer} range instead of rounding or wrapping it.
 */
public class IntegerCentsToAmountConverter implements ColumnConverter<Integer, BigDecimal> {

    @Override
    public BigDecimal toNew(Integer cents) {
        return BigDecimal.valueOf(cents, 2);
    }

    @Override
    public Integer toOld(BigDecimal amount) {
        // intValueExact throws ArithmeticException for a fractional cent or an overflow
        return amount.movePointRight(2).intValueExact();
    }
}
