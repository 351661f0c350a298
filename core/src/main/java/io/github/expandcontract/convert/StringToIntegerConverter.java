package io.github.expandcontract.convert;

import io.github.expandcontract.ColumnConverter;

/**
 * Decimal text ({@code String}) to an {@code Integer}. Only the form {@link Integer#toString(int)}
 * prints is accepted, so converting back gives the same text: {@code "42"} and {@code "-7"} convert,
 * while {@code " 42"}, {@code "+42"}, {@code "042"}, {@code "3000000000"} (out of range) and
 * {@code "abc"} are refused.
 */
public class StringToIntegerConverter implements ColumnConverter<String, Integer> {

    @Override
    public Integer toNew(String text) {
        return CanonicalText.parse(text, "an Integer", Integer::valueOf, String::valueOf);
    }

    @Override
    public String toOld(Integer value) {
        return value.toString();
    }
}
