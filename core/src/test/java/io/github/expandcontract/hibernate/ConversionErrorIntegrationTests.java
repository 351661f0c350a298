package io.github.expandcontract.hibernate;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.expandcontract.DualWrite;
import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.config.OnConversionError;
import io.github.expandcontract.convert.CentsToAmountConverter;
import io.github.expandcontract.convert.StringToLongConverter;
import io.github.expandcontract.observe.RecordingObserver;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Dual writes of values the converter cannot convert, on PostgreSQL: {@code on-conversion-error=fail}
 * fails the flush naming migration, row id and value and writes nothing; {@code write-null} keeps
 * the value in the old column, writes NULL to the new one and counts it, also under concurrent
 * writers; new-to-old failures fail in both modes, since NULL would lose the old column's value.
 */
class ConversionErrorIntegrationTests {

    static final String READING = "meter-reading";
    static final String GAUGE = "gauge-reading";
    static final String PRICE = "price-amount";

    /** Sequence ids: the id is known before the INSERT. */
    @Entity(name = "Meter") @Table(name = "meters")
    public static class Meter {
        @Id @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "meters_seq")
        @SequenceGenerator(name = "meters_seq", sequenceName = "meters_seq", allocationSize = 1)
        Long id;
        @Column(name = "reading_text") String readingText;
        @Column(name = "reading") @DualWrite(migration = READING, from = "readingText", converter = StringToLongConverter.class)
        Long reading;
    }

    /** IDENTITY ids: the INSERT generates the id. */
    @Entity(name = "Gauge") @Table(name = "gauges")
    public static class Gauge {
        @Id @GeneratedValue(strategy = GenerationType.IDENTITY) Long id;
        @Column(name = "reading_text") String readingText;
        @Column(name = "reading") @DualWrite(migration = GAUGE, from = "readingText", converter = StringToLongConverter.class)
        Long reading;
    }

    @Entity(name = "Price") @Table(name = "prices")
    public static class Price {
        @Id Long id;
        @Column(name = "cents") Long cents;
        @Column(name = "amount", precision = 12, scale = 3)
        @DualWrite(migration = PRICE, from = "cents", converter = CentsToAmountConverter.class) BigDecimal amount;
    }

    static PostgresTestDatabase db;
    SessionFactory sf;
    final RecordingObserver observer = new RecordingObserver();
    final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeAll
    static void createTables() {
        db = PostgresTestDatabase.forClass(ConversionErrorIntegrationTests.class);
        db.execute("create sequence meters_seq",
                "create table meters (id bigint primary key, reading_text varchar(40), reading bigint)",
                "create table gauges (id bigserial primary key, reading_text varchar(40), reading bigint)",
                "create table prices (id bigint primary key, cents bigint, amount numeric(12, 3))");
    }

    @AfterAll
    static void dropDatabase() {
        db.close();
    }

    @BeforeEach
    void captureWarnings() {
        db.execute("truncate meters, gauges, prices");
        logged.start();
        ((Logger) LoggerFactory.getLogger(ConversionErrors.class)).addAppender(logged);
    }

    @AfterEach
    void closeFactory() {
        ((Logger) LoggerFactory.getLogger(ConversionErrors.class)).detachAppender(logged);
        if (sf != null) {
            sf.close();
        }
    }

    /** A fresh SessionFactory in dual-write, every migration in the given mode (a fresh one: the log rate limit starts anew). */
    private SessionFactory dualWrite(OnConversionError mode) {
        ExpandContractSettings settings = new ExpandContractSettings(Map.of(READING, Phase.DUAL_WRITE, GAUGE, Phase.DUAL_WRITE,
                PRICE, Phase.DUAL_WRITE)).withOnConversionError(READING, mode).withOnConversionError(GAUGE, mode)
                .withOnConversionError(PRICE, mode);
        sf = TestSessionFactories.build(db, new ExpandContractIntegrator(settings, observer), Map.of(),
                Meter.class, Gauge.class, Price.class);
        return sf;
    }

    private static long rows(String table) {
        try (var c = db.connect(); var rs = c.createStatement().executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Meter meter(String text) {
        Meter meter = new Meter();
        meter.readingText = text;
        return meter;
    }

    @Test
    void failModeNamesMigrationRowIdAndValueAndWritesNothing() {
        SessionFactory sf = dualWrite(OnConversionError.FAIL);
        Meter good = meter("41");
        sf.inTransaction(s -> s.persist(good));

        // an update: the row's id
        assertThatThrownBy(() -> sf.inTransaction(s -> s.find(Meter.class, good.id).readingText = "abc"))
                .isInstanceOfSatisfying(DualWriteConversionException.class, e -> {
                    assertThat(e.migration()).isEqualTo(READING);
                    assertThat(e.rowId()).isEqualTo(good.id);
                    assertThat(e.value()).isEqualTo("abc");
                    assertThat(e.direction()).isEqualTo(DualWriteConversionException.OLD_TO_NEW);
                })
                .hasMessageContaining("'" + READING + "'").hasMessageContaining("'abc'").hasMessageContaining("row id " + good.id)
                .hasMessageContaining("on-conversion-error=write-null");
        assertThat(db.row("meters", good.id)).containsEntry("reading_text", "41").containsEntry("reading", 41L);

        // an INSERT with a sequence id: the id is known at flush time and is the real one
        Meter bad = meter("4 2");
        assertThatThrownBy(() -> sf.inTransaction(s -> s.persist(bad)))
                .isInstanceOfSatisfying(DualWriteConversionException.class, e -> assertThat(e.rowId()).isNotNull().isEqualTo(bad.id));
        assertThat(rows("meters")).isEqualTo(1);

        // an INSERT with an IDENTITY id: the id does not exist yet, and the message says so
        Gauge gauge = new Gauge();
        gauge.readingText = "abc";
        assertThatThrownBy(() -> sf.inTransaction(s -> s.persist(gauge)))
                .isInstanceOfSatisfying(DualWriteConversionException.class, e -> assertThat(e.rowId()).isNull())
                .hasMessageContaining("a new row (its id is generated by the INSERT)");
        assertThat(rows("gauges")).isZero();
        assertThat(observer.conversionErrors(READING)).isZero();
    }

    @Test
    void aRowWhoseOldValueDoesNotConvertStillLoadsAndTakesUnrelatedUpdatesInFailMode() {
        SessionFactory sf = dualWrite(OnConversionError.FAIL);
        db.execute("insert into prices (id, cents, amount) values (1, 100, 1.00)",
                "insert into meters (id, reading_text, reading) values (7, 'n/a', null)");
        Meter loaded = sf.fromTransaction(s -> s.find(Meter.class, 7L));
        assertThat(loaded.readingText).isEqualTo("n/a");
        assertThat(loaded.reading).as("the phase reads the old field; the mirror shows NULL").isNull();
        // a flush that does not touch the migrated value writes nothing for it and does not fail
        sf.inTransaction(s -> s.merge(loaded));
        assertThat(db.row("meters", 7L)).containsEntry("reading_text", "n/a").containsEntry("reading", null);
    }

    @Test
    void writeNullKeepsTheOldValueWritesNullToNewCountsAndWarnsOnce() {
        SessionFactory sf = dualWrite(OnConversionError.WRITE_NULL);
        Meter inserted = meter("abc");
        Meter updated = meter("12");
        sf.inTransaction(s -> {
            s.persist(inserted);
            s.persist(updated);
        });
        sf.inTransaction(s -> s.find(Meter.class, updated.id).readingText = "012");
        Gauge gauge = new Gauge();
        gauge.readingText = "x";
        sf.inTransaction(s -> s.persist(gauge));

        assertThat(db.row("meters", inserted.id)).containsEntry("reading_text", "abc").containsEntry("reading", null);
        assertThat(db.row("meters", updated.id)).containsEntry("reading_text", "012").containsEntry("reading", null);
        assertThat(db.row("gauges", gauge.id)).containsEntry("reading_text", "x").containsEntry("reading", null);
        assertThat(observer.conversionErrors(READING)).isEqualTo(2);
        assertThat(observer.conversionErrors(GAUGE)).isEqualTo(1);

        // a later flush of the same rows neither fails nor counts again
        sf.inTransaction(s -> s.find(Meter.class, updated.id));
        assertThat(observer.conversionErrors(READING)).isEqualTo(2);

        List<String> warnings = logged.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(warnings).as("one warning per migration and minute").hasSize(2);
        assertThat(warnings.get(0)).contains("'" + READING + "'", "row id " + inserted.id, "keeps it").doesNotContain("abc");
    }

    @Test
    void newToOldFailuresFailInWriteNullModeTooAndTheOldColumnKeepsItsValue() {
        SessionFactory sf = dualWrite(OnConversionError.WRITE_NULL);
        db.execute("insert into prices (id, cents, amount) values (1, 100, 1.000)");
        assertThatThrownBy(() -> sf.inTransaction(s -> s.find(Price.class, 1L).amount = new BigDecimal("0.005")))
                .isInstanceOfSatisfying(DualWriteConversionException.class, e -> {
                    assertThat(e.direction()).isEqualTo(DualWriteConversionException.NEW_TO_OLD);
                    assertThat(e.rowId()).isEqualTo(1L);
                })
                .hasMessageContaining("'0.005'").hasMessageContaining("would lose it");
        assertThat(db.row("prices", 1L)).containsEntry("cents", 100L).containsEntry("amount", new BigDecimal("1.000"));
        assertThat(observer.conversionErrors(PRICE)).isZero();
    }

    @Test
    void concurrentWritersInWriteNullModeEndWithOldAsLastCommittedAndNewConvertedOrNull() throws Exception {
        SessionFactory sf = dualWrite(OnConversionError.WRITE_NULL);
        int rows = 40;
        db.execute("insert into meters (id, reading_text, reading) select g, g::text, g from generate_series(1, " + rows + ") g");
        Map<Long, String> lastCommitted = new ConcurrentHashMap<>();
        AtomicInteger badWrites = new AtomicInteger();
        int threads = 6;
        int writesPerThread = 150;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < writesPerThread; i++) {
                        long id = 1 + ThreadLocalRandom.current().nextInt(rows);
                        boolean bad = ThreadLocalRandom.current().nextInt(3) == 0;
                        String value = bad ? "bad-" + thread + "-" + i : String.valueOf(thread * 100_000 + i);
                        boolean throughNewField = !bad && ThreadLocalRandom.current().nextBoolean();
                        sf.inTransaction(s -> {
                            // the row lock orders the writers of a row, so the last put is the last commit
                            Meter meter = s.find(Meter.class, id, LockModeType.PESSIMISTIC_WRITE);
                            if (throughNewField) {
                                meter.reading = Long.valueOf(value);
                            } else {
                                meter.readingText = value;
                            }
                            s.flush();
                            lastCommitted.put(id, value);
                        });
                        if (bad) {
                            badWrites.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        for (Map.Entry<Long, String> entry : lastCommitted.entrySet()) {
            Map<String, Object> row = db.row("meters", entry.getKey());
            assertThat(row).containsEntry("reading_text", entry.getValue());
            assertThat(row.get("reading")).as("row %s", entry.getKey())
                    .isEqualTo(entry.getValue().startsWith("bad-") ? null : Long.valueOf(entry.getValue()));
        }
        assertThat(observer.conversionErrors(READING)).isEqualTo(badWrites.get());
        assertThat(logged.list.stream().filter(e -> e.getLevel() == Level.WARN)).hasSize(1);
    }
}
