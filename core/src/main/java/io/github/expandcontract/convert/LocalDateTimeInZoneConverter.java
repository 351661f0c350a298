package io.github.expandcontract.convert;

import io.github.expandcontract.ColumnConverter;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * Base of the converters from a zone-less {@code LocalDateTime} (a {@code timestamp} column) to a
 * point in time, read as wall-clock time in one zone. The zone is given by the subclass
 * constructor or by {@code expand-contract.migrations.<id>.zone}; startup fails when neither or
 * two different ones are given.
 * <p>
 * Daylight-saving transitions never move a value silently:
 * <ul>
 *   <li>a local time in a gap (e.g. 02:30 on the night the clocks jump from 02:00 to 03:00) never
 *   existed in the zone: it is refused, not shifted;</li>
 *   <li>a local time in an overlap (e.g. 02:30 on the night the clocks go back from 03:00 to 02:00)
 *   happened twice: it is read as the second of the two, with the offset after the transition
 *   (standard time), which is what PostgreSQL's {@code timestamp AT TIME ZONE zone} does, so a
 *   {@code backfillSql} of that form agrees with the converter. Converting back gives the same
 *   local time, so the old column never changes.</li>
 * </ul>
 * (PostgreSQL shifts a gap time forward instead of refusing it; see docs/converters.md.)
 */
public abstract class LocalDateTimeInZoneConverter<N> implements ColumnConverter<LocalDateTime, N>, ContextualConverter {

    private final ZoneId fixedZone;
    private volatile ZoneId zone;

    /** @param zone the zone of the old column's values, or {@code null} to take it from the migration's {@code zone} property */
    protected LocalDateTimeInZoneConverter(ZoneId zone) {
        this.fixedZone = zone;
        this.zone = zone;
    }

    @Override
    public void init(ConverterContext context) {
        if (context.zone() != null && fixedZone != null && !context.zone().equals(fixedZone)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " reads local times in " + fixedZone
                    + ", but expand-contract.migrations." + context.migrationId() + ".zone is " + context.zone()
                    + "; two different zones would shift every value");
        }
        ZoneId configured = context.zone() != null ? context.zone() : fixedZone;
        if (configured == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " needs the zone the old column's local times are in, "
                    + "and none is given: set expand-contract.migrations." + context.migrationId() + ".zone (e.g. Europe/Berlin), "
                    + "or use a subclass that passes the zone to the constructor");
        }
        this.zone = configured;
    }

    /** The zone the old column's local times are read in. */
    public ZoneId zone() {
        return Objects.requireNonNull(zone, () -> getClass().getSimpleName() + " was not initialized with a zone");
    }

    /** The local time in the zone; refuses a time in a daylight-saving gap, takes the later offset in an overlap. */
    protected ZonedDateTime inZone(LocalDateTime local) {
        ZoneId z = zone();
        if (z.getRules().getValidOffsets(local).isEmpty()) {
            throw new IllegalArgumentException(local + " does not exist in " + z
                    + " (the clocks jumped over it at a daylight-saving change); refused rather than shifted");
        }
        return ZonedDateTime.ofLocal(local, z, null).withLaterOffsetAtOverlap();
    }

    /** The wall-clock time in the zone at an instant. */
    protected LocalDateTime local(Instant instant) {
        return LocalDateTime.ofInstant(instant, zone());
    }
}
