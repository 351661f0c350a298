package io.github.expandcontract.convert;

import io.github.expandcontract.ColumnConverter;

import java.util.Locale;
import java.util.UUID;

/**
 * Text ({@code String}) to a {@code UUID}. Accepts only the 36-character form
 * {@code 8-4-4-4-12} hex digits, in either letter case; {@link UUID#fromString(String)}'s laxer
 * forms ({@code "1-2-3-4-5"}), surrounding whitespace, braces and {@code urn:uuid:} are refused.
 * Converting back writes lower case, so an upper-case value in the old column changes case if
 * the row is written through the new field (the startup round-trip check warns about such rows).
 */
public class StringToUuidConverter implements ColumnConverter<String, UUID> {

    @Override
    public UUID toNew(String text) {
        return CanonicalText.parse(text.toLowerCase(Locale.ROOT), "a UUID", UUID::fromString, UUID::toString);
    }

    @Override
    public String toOld(UUID value) {
        return value.toString();
    }
}
