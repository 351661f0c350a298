package io.github.expandcontract.hibernate;

import io.github.expandcontract.ColumnConverter;
import io.github.expandcontract.DualWrite;
import io.github.expandcontract.migration.MigrationConfigurationException;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import org.assertj.core.api.AbstractThrowableAssert;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Wrong declarations or configuration fail the SessionFactory build with one message naming the
 * migration, the entity, the field and the fix; the schema checks read the real PostgreSQL schema.
 */
class StartupValidationIntegrationTests {

    static PostgresTestDatabase db;

    @BeforeAll
    static void setUp() {
        db = PostgresTestDatabase.forClass(StartupValidationIntegrationTests.class);
        db.execute("create table people (id bigint primary key, email varchar(100), email_address varchar(100), age integer, age_text varchar(10))",
                "create table strict_people (id bigint primary key, email varchar(100) not null, email_address varchar(100) not null)",
                "create table left_things (id bigint primary key, email varchar(100), email_address varchar(100))",
                "create table right_things (id bigint primary key, email varchar(100), email_address varchar(100))");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    private static AbstractThrowableAssert<?, ?> startupFails(Map<String, Phase> phases, Class<?>... entities) {
        return assertThatThrownBy(() -> {
            try (SessionFactory ignored = TestSessionFactories.build(db, phases, Map.of(), entities)) {
                // building it is the test
            }
        }).isInstanceOf(MigrationConfigurationException.class);
    }

    @Entity(name = "FromMissing")
    @Table(name = "people")
    public static class FromMissing {
        @Id Long id;
        String email;
        @Column(name = "email_address") @DualWrite(migration = "people-email", from = "emial") String emailAddress;
    }

    @Test
    void fromNamesNoPersistentProperty() {
        startupFails(Map.of(), FromMissing.class)
                .hasMessageContaining("'people-email'").hasMessageContaining("FromMissing").hasMessageContaining("emailAddress")
                .hasMessageContaining("from = \"emial\" names no persistent property").hasMessageContaining("[email, emailAddress]")
                .hasMessageContaining("Fix:");
    }

    @Entity(name = "TypesDiffer")
    @Table(name = "people")
    public static class TypesDiffer {
        @Id Long id;
        Integer age;
        @Column(name = "age_text") @DualWrite(migration = "people-age", from = "age") String ageText;
    }

    @Test
    void oldAndNewTypesDifferWithoutConverter() {
        startupFails(Map.of(), TypesDiffer.class)
                .hasMessageContaining("'people-age'").hasMessageContaining("TypesDiffer").hasMessageContaining("ageText")
                .hasMessageContaining("Integer but the new field is String, and no converter is given")
                .hasMessageContaining("ColumnConverter<Integer, String>");
    }

    public static class WrongConverter implements ColumnConverter<Long, String> {
        public Long toOld(String s) { return Long.valueOf(s); }
        public String toNew(Long l) { return l.toString(); }
    }

    @Entity(name = "ConverterMismatch")
    @Table(name = "people")
    public static class ConverterMismatch {
        @Id Long id;
        Integer age;
        @Column(name = "age_text") @DualWrite(migration = "people-age", from = "age", converter = WrongConverter.class) String ageText;
    }

    @Test
    void converterTypesDoNotMatchTheProperties() {
        startupFails(Map.of(), ConverterMismatch.class)
                .hasMessageContaining("'people-age'").hasMessageContaining("ageText")
                .hasMessageContaining("WrongConverter takes Long on the old side, but the old property is Integer");
    }

    @Entity(name = "NewColumnMissing")
    @Table(name = "people")
    public static class NewColumnMissing {
        @Id Long id;
        String email;
        @Column(name = "contact_email") @DualWrite(migration = "people-email", from = "email") String contactEmail;
    }

    @Test
    void newColumnMissingInTheDatabase() {
        startupFails(Map.of("people-email", Phase.DUAL_WRITE), NewColumnMissing.class)
                .hasMessageContaining("'people-email'").hasMessageContaining("NewColumnMissing").hasMessageContaining("contactEmail")
                .hasMessageContaining("the new column contact_email does not exist in table")
                .hasMessageContaining("ADD COLUMN contact_email");
    }

    @Entity(name = "Person")
    @Table(name = "people")
    public static class Person {
        @Id Long id;
        String email;
        @Column(name = "email_address") @DualWrite(migration = "people-email", from = "email") String emailAddress;
    }

    @Test
    void aPropertyNamesAMigrationNoEntityDeclares() {
        startupFails(Map.of("people-emial", Phase.DUAL_WRITE), Person.class)
                .hasMessageContaining("'people-emial'")
                .hasMessageContaining("expand-contract.migrations.people-emial is configured, but no entity declares")
                .hasMessageContaining("declared migrations: people-email");
    }

    @MappedSuperclass
    public abstract static class SharedContact {
        String email;
        @Column(name = "email_address") @DualWrite(migration = "thing-email", from = "email") String emailAddress;
    }

    @Entity(name = "LeftThing") @Table(name = "left_things")
    public static class LeftThing extends SharedContact {
        @Id Long id;
    }

    @Entity(name = "RightThing") @Table(name = "right_things")
    public static class RightThing extends SharedContact {
        @Id Long id;
    }

    @Test
    void twoAnnotationsShareAMigrationIdOnDifferentTables() {
        startupFails(Map.of(), LeftThing.class, RightThing.class)
                .hasMessageContaining("'thing-email'").hasMessageContaining("SharedContact").hasMessageContaining("emailAddress")
                .hasMessageContaining("share the migration id 'thing-email' on different tables")
                .hasMessageContaining("left_things").hasMessageContaining("right_things");
    }

    @Entity(name = "StrictPerson")
    @Table(name = "strict_people")
    public static class StrictPerson {
        @Id Long id;
        String email;
        @Column(name = "email_address") @DualWrite(migration = "strict-email", from = "email") String emailAddress;
    }

    @Test
    void expandWithANotNullNewColumnWouldFailEveryInsert() {
        startupFails(Map.of("strict-email", Phase.EXPAND), StrictPerson.class)
                .hasMessageContaining("'strict-email'").hasMessageContaining("StrictPerson").hasMessageContaining("emailAddress")
                .hasMessageContaining("phase expand does not write the new column email_address, but it is NOT NULL");
    }

    @Test
    void contractWithANotNullOldColumnWouldFailEveryInsert() {
        startupFails(Map.of("strict-email", Phase.CONTRACT), StrictPerson.class)
                .hasMessageContaining("'strict-email'").hasMessageContaining("StrictPerson")
                .hasMessageContaining("phase contract no longer writes the old column email")
                .hasMessageContaining("DROP NOT NULL");
    }

    @Test
    void theSameNotNullColumnsAreFineWhereThePhaseWritesBoth() {
        TestSessionFactories.build(db, Map.of("strict-email", Phase.DUAL_WRITE), Map.of(), StrictPerson.class).close();
    }

    @Entity(name = "TransientTarget")
    @Table(name = "people")
    public static class TransientTarget {
        @Id Long id;
        String email;
        @Transient @DualWrite(migration = "people-email", from = "email") String emailAddress;
    }

    @Test
    void annotationOnAFieldThatIsNotPersistent() {
        startupFails(Map.of(), TransientTarget.class)
                .hasMessageContaining("'people-email'").hasMessageContaining("TransientTarget").hasMessageContaining("emailAddress")
                .hasMessageContaining("is not a persistent property");
    }

    @Entity(name = "Chained")
    @Table(name = "people")
    public static class Chained {
        @Id Long id;
        @DualWrite(migration = "first", from = "emailAddress") String email;
        @Column(name = "email_address") @DualWrite(migration = "second", from = "email") String emailAddress;
    }

    @Test
    void migrationsCannotBeChained() {
        startupFails(Map.of(), Chained.class).hasMessageContaining("migrations cannot be chained");
    }

    @Entity(name = "PrimitiveOld")
    @Table(name = "people")
    public static class PrimitiveOld {
        @Id Long id;
        int age;
        @Column(name = "age_text") @DualWrite(migration = "people-age", from = "age", converter = IntText.class) String ageText;
    }

    public static class IntText implements ColumnConverter<Integer, String> {
        public String toNew(Integer i) { return i.toString(); }
        public Integer toOld(String s) { return Integer.valueOf(s); }
    }

    @Test
    void primitiveFieldsCannotHoldTheNullsAMigrationProduces() {
        startupFails(Map.of(), PrimitiveOld.class)
                .hasMessageContaining("'people-age'").hasMessageContaining("PrimitiveOld").hasMessageContaining("ageText")
                .hasMessageContaining("primitive type int").hasMessageContaining("wrapper type Integer");
    }

    @Test
    void readNewNeedsAPassedVerification() {
        db.execute("drop table if exists expand_contract_verification");
        startupFails(Map.of("people-email", Phase.READ_NEW), Person.class)
                .hasMessageContaining("'people-email'").hasMessageContaining("Person").hasMessageContaining("emailAddress")
                .hasMessageContaining("phase read-new reads the new column email_address, but no verification has run")
                .hasMessageContaining("run phase backfill");
        db.execute("insert into expand_contract_verification (migration_id, status, rows_checked, mismatches, sample_mismatch_ids) "
                + "values ('people-email', 'FAILED', 10, 2, '4,7')");
        startupFails(Map.of("people-email", Phase.READ_NEW), Person.class)
                .hasMessageContaining("its last verification FAILED with 2 mismatches (e.g. ids [4, 7])");
        db.execute("update expand_contract_verification set status = 'PASSED', mismatches = 0 where migration_id = 'people-email'");
        TestSessionFactories.build(db, Map.of("people-email", Phase.READ_NEW), Map.of(), Person.class).close();
        db.execute("delete from expand_contract_verification");
    }

    @Entity(name = "CompositeKeyed")
    @Table(name = "composite_people")
    @jakarta.persistence.IdClass(CompositeKeyed.Key.class)
    public static class CompositeKeyed {
        public record Key(Long tenant, Long id) implements java.io.Serializable {
        }

        @Id Long tenant;
        @Id Long id;
        String email;
        @Column(name = "email_address") @DualWrite(migration = "composite-email", from = "email") String emailAddress;
    }

    @Test
    void compositeKeysAreRefusedWhereTheBackfillWalksTheTable() {
        db.execute("create table if not exists composite_people (tenant bigint, id bigint, email varchar(100), "
                + "email_address varchar(100), primary key (tenant, id))");
        TestSessionFactories.build(db, Map.of("composite-email", Phase.DUAL_WRITE), Map.of(), CompositeKeyed.class).close();
        startupFails(Map.of("composite-email", Phase.BACKFILL), CompositeKeyed.class)
                .hasMessageContaining("'composite-email'").hasMessageContaining("CompositeKeyed")
                .hasMessageContaining("composite primary key");
    }

    @Entity(name = "FromIdentifier")
    @Table(name = "people")
    public static class FromIdentifier {
        @Id Long id;
        @Column(name = "age") @DualWrite(migration = "people-id", from = "id") Long age;
    }

    @Test
    void fromNamesTheIdentifier() {
        startupFails(Map.of(), FromIdentifier.class).hasMessageContaining("'people-id'").hasMessageContaining("names the identifier");
    }
}
