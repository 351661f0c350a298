package io.github.expandcontract.convert;

import java.time.ZoneId;

/**
 * What the library knows about a converter's migration, handed to a {@link ContextualConverter}
 * once at startup, before the converter converts anything.
 *
 * @param migrationId the migration id from {@code @DualWrite(migration = ...)}
 * @param oldType     the Java type of the old property (wrapper types)
 * @param newType     the Java type of the new property (wrapper types)
 * @param zone        {@code expand-contract.migrations.<id>.zone}, or {@code null} when it is not set
 */
public record ConverterContext(String migrationId, Class<?> oldType, Class<?> newType, ZoneId zone) {
}
