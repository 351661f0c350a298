package io.github.expandcontract.hibernate;

import io.github.expandcontract.DualWrite;
import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.convert.LocalDateTimeToInstantConverter;
import io.github.expandcontract.convert.StringToEnumConverter;
import io.github.expandcontract.convert.StringToLongConverter;
import io.github.expandcontract.migration.MigrationConfigurationException;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.assertj.core.api.AbstractThrowableAssert;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A shipped converter that cannot serve its migration fails startup naming the migration, entity, field and fix. */
class ConverterConfigurationIntegrationTests {

    static PostgresTestDatabase db;

    @BeforeAll
    static void setUp() {
        db = PostgresTestDatabase.forClass(ConverterConfigurationIntegrationTests.class);
        db.execute("create table events (id bigint primary key, at_local timestamp, at_instant timestamptz, code varchar(20), code_long bigint)");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Entity(name = "ZonelessEvent") @Table(name = "events")
    public static class ZonelessEvent {
        @Id Long id;
        @Column(name = "at_local") LocalDateTime atLocal;
        @Column(name = "at_instant") @DualWrite(migration = "event-at", from = "atLocal", converter = LocalDateTimeToInstantConverter.class)
        Instant atInstant;
    }

    @Entity(name = "NotAnEnum") @Table(name = "events")
    public static class NotAnEnum {
        @Id Long id;
        @Column(name = "code") String code;
        @Column(name = "code_long") @DualWrite(migration = "event-code", from = "code", converter = StringToEnumConverter.class)
        Long codeLong;
    }

    @Entity(name = "ZoneIgnored") @Table(name = "events")
    public static class ZoneIgnored {
        @Id Long id;
        @Column(name = "code") String code;
        @Column(name = "code_long") @DualWrite(migration = "event-code", from = "code", converter = StringToLongConverter.class)
        Long codeLong;
    }

    private static AbstractThrowableAssert<?, ?> startupFails(ExpandContractSettings settings, Class<?> entity) {
        return assertThatThrownBy(() -> {
            try (SessionFactory ignored = TestSessionFactories.build(db, new ExpandContractIntegrator(settings), Map.of(), entity)) {
                // building it is the test
            }
        }).isInstanceOf(MigrationConfigurationException.class);
    }

    @Test
    void aZoneConverterWithoutAZoneNamesTheProperty() {
        startupFails(new ExpandContractSettings(Map.of("event-at", Phase.DUAL_WRITE)), ZonelessEvent.class)
                .hasMessageContaining("'event-at'").hasMessageContaining("ZonelessEvent").hasMessageContaining("atInstant")
                .hasMessageContaining("set expand-contract.migrations.event-at.zone");
    }

    @Test
    void theEnumConverterOnAFieldThatIsNoEnum() {
        startupFails(new ExpandContractSettings(Map.of("event-code", Phase.DUAL_WRITE)), NotAnEnum.class)
                .hasMessageContaining("'event-code'").hasMessageContaining("codeLong")
                .hasMessageContaining("converts to an enum, but the new field is java.lang.Long");
    }

    @Test
    void aZoneForAConverterThatTakesNone() {
        startupFails(new ExpandContractSettings(Map.of("event-code", Phase.DUAL_WRITE)).withZone("event-code", ZoneId.of("UTC")),
                ZoneIgnored.class)
                .hasMessageContaining("expand-contract.migrations.event-code.zone is set, but converter StringToLongConverter takes no zone");
    }
}
