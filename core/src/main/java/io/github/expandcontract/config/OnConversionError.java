package io.github.expandcontract.config;

import java.util.Locale;

/**
 * What a dual write does with a value the converter cannot convert old to new
 * ({@code expand-contract.migrations.<id>.on-conversion-error}).
 */
public enum OnConversionError {

    /** The flush fails with an exception naming the migration, the row id and the value (the default). */
    FAIL,

    /** The old column gets the value, the new one NULL; counted and logged. */
    WRITE_NULL;

    /** The value as written in configuration: {@code fail}, {@code write-null}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@code fail} or {@code write-null} (also {@code WRITE_NULL}, {@code write_null}). */
    public static OnConversionError parse(String value) {
        String normalized = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (OnConversionError mode : values()) {
            if (mode.name().equals(normalized)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not a valid value; use fail or write-null");
    }
}
