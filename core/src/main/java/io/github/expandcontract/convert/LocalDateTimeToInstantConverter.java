package io.github.expandcontract.convert;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * A zone-less {@code LocalDateTime} ({@code timestamp}) to an {@code Instant}
 * ({@code timestamptz}), the local time read in the migration's zone; see
 * {@link LocalDateTimeInZoneConverter} for the zone and daylight-saving rules.
 */
public class LocalDateTimeToInstantConverter extends LocalDateTimeInZoneConverter<Instant> {

    /** Takes the zone from {@code expand-contract.migrations.<id>.zone}. */
    public LocalDateTimeToInstantConverter() {
        super(null);
    }

    /** For a subclass that fixes the zone, e.g. {@code super(ZoneId.of("Europe/Berlin"))}. */
    protected LocalDateTimeToInstantConverter(ZoneId zone) {
        super(zone);
    }

    @Override
    public Instant toNew(LocalDateTime local) {
        return inZone(local).toInstant();
    }

    @Override
    public LocalDateTime toOld(Instant instant) {
        return local(instant);
    }
}
