package io.github.expandcontract.backfill;

import io.github.expandcontract.DualWrite;
import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.convert.CentsToAmountConverter;
import io.github.expandcontract.convert.IntegerCentsToAmountConverter;
import io.github.expandcontract.convert.LocalDateTimeToInstantConverter;
import io.github.expandcontract.convert.LocalDateTimeToOffsetDateTimeConverter;
import io.github.expandcontract.convert.StringToEnumConverter;
import io.github.expandcontract.convert.StringToIntegerConverter;
import io.github.expandcontract.convert.StringToLongConverter;
import io.github.expandcontract.convert.StringToUuidConverter;
import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationResult;
import io.github.expandcontract.verify.VerificationStatus;
import io.github.expandcontract.verify.Verifier;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.github.expandcontract.backfill.BackfillTestSupport.await;
import static io.github.expandcontract.backfill.BackfillTestSupport.awaitVerification;
import static io.github.expandcontract.backfill.BackfillTestSupport.count;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every shipped converter end to end on PostgreSQL, on a table whose new column has the real
 * target type: dual writes through either field, the backfill (a value that does not convert is
 * left, counted and sampled), the verification, and the read-new fallback. Each case states, as
 * an SQL expression, what the new column must hold for an old value; the database checks it.
 */
class ShippedConvertersIntegrationTests {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final int ROWS = 200;
    static final long BAD = 1000;
    static final long NULL_OLD = 1001;

    public enum Status { ACTIVE, ON_HOLD }

    @Entity(name = "LongCents") @Table(name = "conv_long_cents")
    public static class LongCents {
        @Id Long id;
        @Column(name = "old_value") Long oldValue;
        @Column(name = "new_value", precision = 12, scale = 2)
        @DualWrite(migration = "long-cents", from = "oldValue", converter = CentsToAmountConverter.class) BigDecimal newValue;
    }

    @Entity(name = "IntCents") @Table(name = "conv_int_cents")
    public static class IntCents {
        @Id Long id;
        @Column(name = "old_value") Integer oldValue;
        @Column(name = "new_value", precision = 12, scale = 2)
        @DualWrite(migration = "int-cents", from = "oldValue", converter = IntegerCentsToAmountConverter.class) BigDecimal newValue;
    }

    @Entity(name = "EnumName") @Table(name = "conv_enum_name")
    public static class EnumName {
        @Id Long id;
        @Column(name = "old_value") String oldValue;
        @Enumerated(EnumType.STRING) @Column(name = "new_value")
        @DualWrite(migration = "enum-name", from = "oldValue", converter = StringToEnumConverter.class) Status newValue;
    }

    @Entity(name = "TextLong") @Table(name = "conv_text_long")
    public static class TextLong {
        @Id Long id;
        @Column(name = "old_value") String oldValue;
        @Column(name = "new_value")
        @DualWrite(migration = "text-long", from = "oldValue", converter = StringToLongConverter.class) Long newValue;
    }

    @Entity(name = "TextInt") @Table(name = "conv_text_int")
    public static class TextInt {
        @Id Long id;
        @Column(name = "old_value") String oldValue;
        @Column(name = "new_value")
        @DualWrite(migration = "text-int", from = "oldValue", converter = StringToIntegerConverter.class) Integer newValue;
    }

    /** The zone comes from expand-contract.migrations.local-offset.zone. */
    @Entity(name = "LocalOffset") @Table(name = "conv_local_offset")
    public static class LocalOffset {
        @Id Long id;
        @Column(name = "old_value") LocalDateTime oldValue;
        @Column(name = "new_value")
        @DualWrite(migration = "local-offset", from = "oldValue", converter = LocalDateTimeToOffsetDateTimeConverter.class)
        OffsetDateTime newValue;
    }

    /** The zone comes from the subclass constructor. */
    public static class BerlinInstants extends LocalDateTimeToInstantConverter {
        public BerlinInstants() {
            super(BERLIN);
        }
    }

    @Entity(name = "LocalInstant") @Table(name = "conv_local_instant")
    public static class LocalInstant {
        @Id Long id;
        @Column(name = "old_value") LocalDateTime oldValue;
        @Column(name = "new_value")
        @DualWrite(migration = "local-instant", from = "oldValue", converter = BerlinInstants.class) Instant newValue;
    }

    @Entity(name = "TextUuid") @Table(name = "conv_text_uuid")
    public static class TextUuid {
        @Id Long id;
        @Column(name = "old_value") String oldValue;
        @Column(name = "new_value")
        @DualWrite(migration = "text-uuid", from = "oldValue", converter = StringToUuidConverter.class) UUID newValue;
    }

    /**
     * @param seedSql       the old value of row {@code g}
     * @param newFromOldSql what the new column must hold for {@code old_value}, in SQL
     * @param badOldSql     an old value the converter refuses, or null when every value of the type converts
     * @param oldSample     an old value and {@code newSample} its conversion
     * @param newWritten    a new value the application writes and {@code oldExpected} the old value it must give
     */
    record Case(Class<?> entity, String migration, String oldSqlType, String newSqlType, String seedSql, String newFromOldSql,
                String badOldSql, Object oldSample, Object newSample, Object newWritten, Object oldExpected) {
        String table() {
            return "conv_" + migration.replace('-', '_');
        }

        @Override
        public String toString() {
            return migration;
        }
    }

    static List<Case> cases() {
        // g = 7 is in the autumn overlap (02:37 on 2024-10-27); the minutes keep the later days clear of the spring gap
        String ldtSeed = "timestamp '2024-10-20 02:30:00.123456' + g * interval '1 day 1 minute'";
        UUID written = UUID.fromString("0f0e0d0c-0b0a-0908-0706-050403020100");
        return List.of(
                new Case(LongCents.class, "long-cents", "bigint", "numeric(12, 2)", "g * 37 - 100", "old_value / 100.0", null,
                        1999L, new BigDecimal("19.99"), new BigDecimal("5.50"), 550L),
                new Case(IntCents.class, "int-cents", "integer", "numeric(12, 2)", "g * 37 - 100", "old_value / 100.0", null,
                        1999, new BigDecimal("19.99"), new BigDecimal("-0.05"), -5),
                new Case(EnumName.class, "enum-name", "varchar(20)", "varchar(20)",
                        "case when g % 2 = 0 then 'ACTIVE' else 'ON_HOLD' end", "old_value", "'active'",
                        "ON_HOLD", Status.ON_HOLD, Status.ACTIVE, "ACTIVE"),
                new Case(TextLong.class, "text-long", "varchar(30)", "bigint", "(g * 1000003 - 5000000)::text", "old_value::bigint", "'abc'",
                        "42", 42L, -7L, "-7"),
                new Case(TextInt.class, "text-int", "varchar(30)", "integer", "(g * 7 - 300)::text", "old_value::integer", "'042'",
                        "42", 42, Integer.MIN_VALUE, "-2147483648"),
                new Case(LocalOffset.class, "local-offset", "timestamp", "timestamptz", ldtSeed, "old_value at time zone 'Europe/Berlin'",
                        "timestamp '2024-03-31 02:30'", LocalDateTime.parse("2024-07-15T10:00"), OffsetDateTime.parse("2024-07-15T10:00+02:00"),
                        OffsetDateTime.parse("2024-01-15T09:00:00.5Z"), LocalDateTime.parse("2024-01-15T10:00:00.5")),
                new Case(LocalInstant.class, "local-instant", "timestamp", "timestamptz", ldtSeed, "old_value at time zone 'Europe/Berlin'",
                        "timestamp '2024-03-31 02:30'", LocalDateTime.parse("2024-10-27T02:30"), Instant.parse("2024-10-27T01:30:00Z"),
                        Instant.parse("2024-01-15T09:00:00Z"), LocalDateTime.parse("2024-01-15T10:00")),
                new Case(TextUuid.class, "text-uuid", "varchar(40)", "uuid", "md5(g::text)::uuid::text", "old_value::uuid", "'not-a-uuid'",
                        "3f2504e0-4f89-11d3-9a0c-0305e82c3301", UUID.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
                        written, written.toString()));
    }

    PostgresTestDatabase db;

    @BeforeEach
    void setUp() {
        db = PostgresTestDatabase.forClass(ShippedConvertersIntegrationTests.class);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private static ExpandContractSettings settings(Case c, Phase phase) {
        ExpandContractSettings settings = new ExpandContractSettings(Map.of(c.migration(), phase));
        return c.entity() == LocalOffset.class ? settings.withZone(c.migration(), BERLIN) : settings;
    }

    private long wrongRows(Case c, String where) {
        return count(db, c.table(), "old_value is not null and new_value is distinct from (" + c.newFromOldSql() + ") and " + where);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void dualWritesBackfillVerificationAndFallbackRead(Case c) throws Exception {
        db.execute("create table " + c.table() + " (id bigint primary key, old_value " + c.oldSqlType() + ", new_value " + c.newSqlType() + ")",
                "insert into " + c.table() + " select g, " + c.seedSql() + ", null from generate_series(1, " + ROWS + ") g",
                "insert into " + c.table() + " values (" + NULL_OLD + ", null, null)");
        if (c.badOldSql() != null) {
            db.execute("insert into " + c.table() + " values (" + BAD + ", " + c.badOldSql() + ", null)");
        }

        // dual-write: both directions, on insert and update, and the load mirrors old into the new field
        try (BackfillTestSupport.Started started = BackfillTestSupport.start(db, settings(c, Phase.DUAL_WRITE), c.entity())) {
            SessionFactory sf = started.sessionFactory();
            sf.inTransaction(s -> {
                s.persist(entity(c, 2001L, c.oldSample(), null));
                s.persist(entity(c, 2002L, null, c.newWritten()));
                set(s.find(c.entity(), 3L), "newValue", c.newWritten());
            });
            sf.inTransaction(s -> {
                assertSame(get(s.find(c.entity(), 2001L), "newValue"), c.newSample());
                assertSame(get(s.find(c.entity(), 2002L), "oldValue"), c.oldExpected());
                assertSame(get(s.find(c.entity(), 3L), "oldValue"), c.oldExpected());
                if (c.badOldSql() != null) {
                    // the application reads the old field in this phase: the row loads, the new field shows NULL
                    Object bad = s.find(c.entity(), BAD);
                    assertThat(get(bad, "oldValue")).isNotNull();
                    assertThat(get(bad, "newValue")).isNull();
                }
            });
            assertThat(wrongRows(c, "id in (2001, 2002, 3)")).isZero();
            assertThat(count(db, c.table(), "id in (2001, 2002, 3) and new_value is null")).isZero();
        }

        // backfill: every convertible row copied, the refused one left as it was, counted and sampled; verification reports it
        try (BackfillTestSupport.Started started = BackfillTestSupport.start(db, settings(c, Phase.BACKFILL), c.entity());
             BackfillCoordinator coordinator = new BackfillCoordinator(db.dataSource(), started.catalog(),
                     id -> BackfillSettings.DEFAULTS.withBatchSize(64), "test-instance")) {
            Migration migration = started.catalog().find(c.migration()).orElseThrow();
            assertThat(migration.convertsInSql()).isFalse();
            coordinator.start();
            await("backfill COMPLETED", () -> coordinator.progress(c.migration()).status() == BackfillStatus.COMPLETED,
                    Duration.ofSeconds(30));
            BackfillProgress done = coordinator.progress(c.migration());
            assertThat(done.failedRows()).isEqualTo(c.badOldSql() == null ? 0 : 1);
            assertThat(done.sampleFailedIds()).isEqualTo(c.badOldSql() == null ? List.of() : List.of(String.valueOf(BAD)));
            assertThat(wrongRows(c, "id <> " + BAD)).isZero();
            assertThat(count(db, c.table(), "old_value is not null and new_value is null")).isEqualTo(c.badOldSql() == null ? 0 : 1);

            VerificationResult verification = awaitVerification(coordinator, c.migration(), Duration.ofSeconds(30));
            if (c.badOldSql() == null) {
                assertThat(verification.status()).isEqualTo(VerificationStatus.PASSED);
            } else {
                assertThat(verification.status()).isEqualTo(VerificationStatus.FAILED);
                assertThat(verification.sampleMismatchIds()).containsExactly(String.valueOf(BAD));
                db.execute("delete from " + c.table() + " where id = " + BAD);
                assertThat(new Verifier(db.dataSource(), 100).verify(migration).status()).isEqualTo(VerificationStatus.PASSED);
            }
        }

        // read-new: a row whose new column is NULL shows the converted old value; the others show the new column
        db.execute("update " + c.table() + " set new_value = null where id = 5");
        try (BackfillTestSupport.Started started = BackfillTestSupport.start(db, settings(c, Phase.READ_NEW), c.entity())) {
            started.sessionFactory().inTransaction(s -> {
                Object fallback = s.find(c.entity(), 5L);
                assertThat(get(fallback, "newValue")).isNotNull();
                assertThat(count(db, c.table(), "id = 5 and new_value is null")).isOne();
                Object written = s.find(c.entity(), 2002L);
                assertSame(get(written, "newValue"), c.newWritten());
                assertSame(get(written, "oldValue"), c.oldExpected());
            });
        }
        // the fallback value is the converted old one: write it back through the entity and let the database judge
        try (BackfillTestSupport.Started started = BackfillTestSupport.start(db, settings(c, Phase.READ_NEW), c.entity())) {
            started.sessionFactory().inTransaction(s -> set(s.find(c.entity(), 6L), "newValue", get(s.find(c.entity(), 5L), "newValue")));
        }
        assertThat(wrongRows(c, "id = 6")).isZero();
        assertThat(count(db, c.table(), "id = 6 and old_value = (select old_value from " + c.table() + " where id = 5)")).isOne();
    }

    private static void assertSame(Object actual, Object expected) {
        assertThat(BatchCopier.sameValue(actual, expected)).as("%s equals %s", actual, expected).isTrue();
    }

    private static Object entity(Case c, long id, Object oldValue, Object newValue) {
        try {
            Object entity = c.entity().getDeclaredConstructor().newInstance();
            set(entity, "id", id);
            set(entity, "oldValue", oldValue);
            set(entity, "newValue", newValue);
            return entity;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object get(Object entity, String field) {
        try {
            Field f = entity.getClass().getDeclaredField(field);
            f.setAccessible(true);
            return f.get(entity);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void set(Object entity, String field, Object value) {
        try {
            Field f = entity.getClass().getDeclaredField(field);
            f.setAccessible(true);
            f.set(entity, value);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
