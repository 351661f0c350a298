package io.github.expandcontract.hibernate;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.expandcontract.ColumnConverter;
import io.github.expandcontract.DualWrite;
import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The startup round-trip check on PostgreSQL: a converter that changes some existing values on the
 * way to the new type and back is reported with examples, before the factory is handed out; the
 * check never fails startup, is not held up by writers' row locks, and can be turned off.
 */
class ConverterRoundTripCheckIntegrationTests {

    static final String MIGRATION = "sensor-level";

    /** Lenient on purpose: trims and accepts a plus sign, so " 7" and "+7" come back as "7". Throws on "abc". */
    public static class LenientLong implements ColumnConverter<String, Long> {
        @Override
        public Long toNew(String text) {
            return Long.valueOf(text.trim());
        }

        @Override
        public String toOld(Long value) {
            return value.toString();
        }
    }

    @Entity(name = "Sensor") @Table(name = "sensors")
    public static class Sensor {
        @Id Long id;
        @Column(name = "level_text") String levelText;
        @Column(name = "level") @DualWrite(migration = MIGRATION, from = "levelText", converter = LenientLong.class) Long level;
    }

    static PostgresTestDatabase db;
    final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    SessionFactory sf;

    @BeforeAll
    static void createTable() {
        db = PostgresTestDatabase.forClass(ConverterRoundTripCheckIntegrationTests.class);
        db.execute("create table sensors (id bigint primary key, level_text varchar(20), level bigint)",
                "insert into sensors select g, g::text, null from generate_series(1, 500) g",
                "update sensors set level_text = ' 7' where id = 17",
                "update sensors set level_text = '+8' where id = 18",
                "update sensors set level_text = 'abc' where id = 19",
                "update sensors set level_text = null where id = 20");
    }

    @AfterAll
    static void dropDatabase() {
        db.close();
    }

    @BeforeEach
    void capture() {
        logged.start();
        ((Logger) LoggerFactory.getLogger(ConverterRoundTripCheck.class)).addAppender(logged);
    }

    @AfterEach
    void close() {
        ((Logger) LoggerFactory.getLogger(ConverterRoundTripCheck.class)).detachAppender(logged);
        if (sf != null) {
            sf.close();
        }
    }

    private List<String> warnings() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    private SessionFactory start(ExpandContractSettings settings) {
        sf = TestSessionFactories.build(db, new ExpandContractIntegrator(settings), Map.of(), Sensor.class);
        return sf;
    }

    @Test
    void valuesThatDoNotComeBackUnchangedAreReportedWithExamplesAtStartup() {
        start(new ExpandContractSettings(Map.of(MIGRATION, Phase.DUAL_WRITE)));
        assertThat(warnings()).hasSize(1);
        assertThat(warnings().get(0)).contains("'" + MIGRATION + "'", "LenientLong", "3 of 499 sampled rows of sensors",
                "e.g. id 17: ' 7' -> '7' -> '7'; id 18: '+8' -> '8' -> '8'; id 19: 'abc' does not convert (",
                "writes NULL to level with", "Fix these values in level_text");
    }

    @Test
    void theSampleIsBoundedAndZeroTurnsTheCheckOff() {
        start(new ExpandContractSettings(Map.of(MIGRATION, Phase.EXPAND)).withRoundTripSampleSize(10));
        assertThat(warnings()).as("rows 17-19 are not among the 10 lowest ids").isEmpty();
        sf.close();
        start(new ExpandContractSettings(Map.of(MIGRATION, Phase.DUAL_WRITE)).withRoundTripSampleSize(0));
        assertThat(warnings()).isEmpty();
    }

    @Test
    void rowLocksOfWritersDoNotHoldUpStartup() throws Exception {
        try (Connection writer = db.connect(); Statement s = writer.createStatement()) {
            writer.setAutoCommit(false);
            s.executeUpdate("update sensors set level_text = level_text where id between 1 and 100");
            start(new ExpandContractSettings(Map.of(MIGRATION, Phase.DUAL_WRITE)));
            assertThat(warnings()).hasSize(1);
            writer.rollback();
        }
    }
}
