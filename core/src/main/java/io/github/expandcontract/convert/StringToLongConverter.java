package io.github.expandcontract.convert;

import io.github.expandcontract.ColumnConverter;

/**
 * Decimal text ({@code String}) to a {@code Long}. Only the form {@link Long#toString(long)}
 * prints is accepted, so converting back gives the same text: {@code "42"} and {@code "-7"} convert,
 * while {@code " 42"}, {@code "+42"}, {@code "042"}, {@code "4.0"} and {@code "abc"} are refused
 * (the leading zero of a postcode, for example, would otherwise be lost on the way back).
 */
public class StringToLongConverter implements ColumnConverter<String, Long> {

    @Override
    public Long toNew(String text) {
        return CanonicalText.parse(text, "a Long", Long::valueOf, String::valueOf);
    }

    @Override
    public String toOld(Long value) {
        return value.toString();
    }
}
