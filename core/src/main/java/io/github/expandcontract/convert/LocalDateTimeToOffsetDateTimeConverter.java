package io.github.expandcontract.convert;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;

/**
 * A zone-less {@code LocalDateTime} ({@code timestamp}) to an {@code OffsetDateTime}
 * ({@code timestamptz}), the local time read in the migration's zone and given that zone's offset
 * at the time; see {@link LocalDateTimeInZoneConverter} for the zone and daylight-saving rules.
 * Going back takes the same instant's wall-clock time in the zone, whatever offset the value carries
 * (PostgreSQL returns {@code timestamptz} in UTC).
 */
public class LocalDateTimeToOffsetDateTimeConverter extends LocalDateTimeInZoneConverter<OffsetDateTime> {

    /** Takes the zone from {@code expand-contract.migrations.<id>.zone}. */
    public LocalDateTimeToOffsetDateTimeConverter() {
        super(null);
    }

    /** For a subclass that fixes the zone, e.g. {@code super(ZoneId.of("Europe/Berlin"))}. */
    protected LocalDateTimeToOffsetDateTimeConverter(ZoneId zone) {
        super(zone);
    }

    @Override
    public OffsetDateTime toNew(LocalDateTime local) {
        return inZone(local).toOffsetDateTime();
    }

    @Override
    public LocalDateTime toOld(OffsetDateTime value) {
        return local(value.toInstant());
    }
}
