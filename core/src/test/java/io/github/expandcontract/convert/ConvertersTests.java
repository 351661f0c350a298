package io.github.expandcontract.convert;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Edge values of the shipped converters: what converts, what is refused, and that what converts comes back unchanged. */
class ConvertersTests {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    enum Status { ACTIVE, ON_HOLD }

    @Test
    void centsToAmountInBothSizes() {
        assertThat(new CentsToAmountConverter().toNew(1999L)).isEqualByComparingTo("19.99");
        assertThat(new CentsToAmountConverter().toNew(-5L)).isEqualTo(new BigDecimal("-0.05"));
        assertThat(new CentsToAmountConverter().toOld(new BigDecimal("19.9"))).isEqualTo(1990L);
        assertThat(new IntegerCentsToAmountConverter().toNew(Integer.MAX_VALUE)).isEqualTo(new BigDecimal("21474836.47"));
        assertThat(new IntegerCentsToAmountConverter().toOld(new BigDecimal("19.990"))).isEqualTo(1999);
        assertThatThrownBy(() -> new IntegerCentsToAmountConverter().toOld(new BigDecimal("0.005"))).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> new IntegerCentsToAmountConverter().toOld(new BigDecimal("21474836.48"))).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> new CentsToAmountConverter().toOld(new BigDecimal("1E+20"))).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void numbersFromTextOnlyInTheFormTheyPrintIn() {
        StringToLongConverter longs = new StringToLongConverter();
        assertThat(longs.toNew("42")).isEqualTo(42L);
        assertThat(longs.toNew("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(longs.toOld(longs.toNew("0"))).isEqualTo("0");
        for (String refused : new String[] {"abc", "", " 42", "42 ", "+42", "042", "-0", "4.0", "9223372036854775808", "1e3"}) {
            assertThatThrownBy(() -> longs.toNew(refused)).as(refused).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(refused);
        }
        StringToIntegerConverter ints = new StringToIntegerConverter();
        assertThat(ints.toNew("-7")).isEqualTo(-7);
        assertThat(ints.toOld(2147483647)).isEqualTo("2147483647");
        for (String refused : new String[] {"2147483648", "007", "\t1", "x"}) {
            assertThatThrownBy(() -> ints.toNew(refused)).as(refused).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void uuidFromTextInEitherCaseButOnlyTheFullForm() {
        StringToUuidConverter uuids = new StringToUuidConverter();
        UUID id = UUID.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
        assertThat(uuids.toNew("3f2504e0-4f89-11d3-9a0c-0305e82c3301")).isEqualTo(id);
        assertThat(uuids.toNew("3F2504E0-4F89-11D3-9A0C-0305E82C3301")).isEqualTo(id);
        assertThat(uuids.toOld(id)).isEqualTo("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
        for (String refused : new String[] {"1-2-3-4-5", " 3f2504e0-4f89-11d3-9a0c-0305e82c3301", "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}",
                "3f2504e04f8911d39a0c0305e82c3301", "not-a-uuid"}) {
            assertThatThrownBy(() -> uuids.toNew(refused)).as(refused).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void enumByExactNameOfTheNewFieldsEnum() {
        StringToEnumConverter statuses = new StringToEnumConverter();
        statuses.init(new ConverterContext("m", String.class, Status.class, null));
        assertThat(statuses.toNew("ON_HOLD")).isEqualTo(Status.ON_HOLD);
        assertThat(statuses.toOld(Status.ACTIVE)).isEqualTo("ACTIVE");
        for (String refused : new String[] {"active", "ACTIVE ", "PAUSED", ""}) {
            assertThatThrownBy(() -> statuses.toNew(refused)).as(refused).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Status");
        }
        assertThatThrownBy(() -> new StringToEnumConverter().init(new ConverterContext("m", String.class, Long.class, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Long");
    }

    @Test
    void localTimesReadInTheZoneBothWays() {
        LocalDateTimeToInstantConverter instants = new LocalDateTimeToInstantConverter();
        instants.init(new ConverterContext("m", LocalDateTime.class, Instant.class, BERLIN));
        assertThat(instants.toNew(LocalDateTime.parse("2024-01-15T10:00:00.123456"))).isEqualTo(Instant.parse("2024-01-15T09:00:00.123456Z"));
        assertThat(instants.toNew(LocalDateTime.parse("2024-07-15T10:00"))).isEqualTo(Instant.parse("2024-07-15T08:00:00Z"));
        assertThat(instants.toOld(Instant.parse("2024-07-15T08:00:00Z"))).isEqualTo(LocalDateTime.parse("2024-07-15T10:00"));

        LocalDateTimeToOffsetDateTimeConverter offsets = new LocalDateTimeToOffsetDateTimeConverter();
        offsets.init(new ConverterContext("m", LocalDateTime.class, OffsetDateTime.class, BERLIN));
        assertThat(offsets.toNew(LocalDateTime.parse("2024-07-15T10:00"))).isEqualTo(OffsetDateTime.parse("2024-07-15T10:00+02:00"));
        // the database hands timestamptz back in UTC: the same instant, so the same local time
        assertThat(offsets.toOld(OffsetDateTime.parse("2024-07-15T08:00Z"))).isEqualTo(LocalDateTime.parse("2024-07-15T10:00"));
    }

    @Test
    void aLocalTimeInTheSpringGapIsRefusedAndOneInTheAutumnOverlapTakesTheSecondOccurrenceAsPostgresDoes() {
        LocalDateTimeToInstantConverter instants = new LocalDateTimeToInstantConverter();
        instants.init(new ConverterContext("m", LocalDateTime.class, Instant.class, BERLIN));
        assertThatThrownBy(() -> instants.toNew(LocalDateTime.parse("2024-03-31T02:30")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist in Europe/Berlin");
        LocalDateTime twice = LocalDateTime.parse("2024-10-27T02:30");
        // PostgreSQL: timestamp '2024-10-27 02:30' at time zone 'Europe/Berlin' = 2024-10-27 01:30:00+00
        assertThat(instants.toNew(twice)).isEqualTo(Instant.parse("2024-10-27T01:30:00Z"));
        assertThat(instants.toOld(instants.toNew(twice))).isEqualTo(twice);
        // the first 02:30 (00:30Z) reads back as the same local time too: the old column never changes
        assertThat(instants.toOld(Instant.parse("2024-10-27T00:30:00Z"))).isEqualTo(twice);
    }

    static class UtcInstants extends LocalDateTimeToInstantConverter {
        UtcInstants() {
            super(ZoneOffset.UTC);
        }
    }

    @Test
    void theZoneComesFromTheSubclassOrThePropertyAndTwoDifferentOnesAreRefused() {
        UtcInstants fixed = new UtcInstants();
        fixed.init(new ConverterContext("m", LocalDateTime.class, Instant.class, null));
        assertThat(fixed.toNew(LocalDateTime.parse("2024-03-31T02:30"))).isEqualTo(Instant.parse("2024-03-31T02:30:00Z"));
        new UtcInstants().init(new ConverterContext("m", LocalDateTime.class, Instant.class, ZoneOffset.UTC));
        assertThatThrownBy(() -> new UtcInstants().init(new ConverterContext("m", LocalDateTime.class, Instant.class, BERLIN)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expand-contract.migrations.m.zone is Europe/Berlin");
        assertThatThrownBy(() -> new LocalDateTimeToInstantConverter().init(new ConverterContext("m", LocalDateTime.class, Instant.class, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set expand-contract.migrations.m.zone");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-01-01T00:00", "2024-10-27T02:59:59.999999", "2024-03-31T01:59:59", "2024-03-31T03:00"})
    void everyLocalTimeOutsideAGapComesBackUnchanged(String local) {
        LocalDateTimeToOffsetDateTimeConverter offsets = new LocalDateTimeToOffsetDateTimeConverter();
        offsets.init(new ConverterContext("m", LocalDateTime.class, OffsetDateTime.class, BERLIN));
        LocalDateTime value = LocalDateTime.parse(local);
        assertThat(offsets.toOld(offsets.toNew(value))).isEqualTo(value);
    }
}
