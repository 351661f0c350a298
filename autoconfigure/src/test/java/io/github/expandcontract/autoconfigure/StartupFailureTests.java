package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.autoconfigure.entities.badfrom.Supplier;
import io.github.expandcontract.autoconfigure.entities.badtype.Product;
import io.github.expandcontract.autoconfigure.entities.owner.Owner;
import io.github.expandcontract.autoconfigure.entities.sharedid.Party;
import io.github.expandcontract.migration.MigrationConfigurationException;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.github.expandcontract.autoconfigure.JpaTestSupport.analyze;
import static io.github.expandcontract.autoconfigure.JpaTestSupport.rootCause;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of bad input fails startup with one message naming migration, entity and field,
 * and Spring Boot's failure report shows the problem and the fix.
 */
class StartupFailureTests {

    private static PostgresTestDatabase db;

    @BeforeAll
    static void createSchema() {
        db = PostgresTestDatabase.forClass(StartupFailureTests.class);
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    /** The owners table as the test needs it (the cases differ in its columns). */
    private ApplicationContextRunner owners(String ddl) {
        db.execute("drop table if exists owners", ddl);
        return JpaTestSupport.runner(db, Owner.class);
    }

    @Test
    void migrationIdInPropertiesThatNoEntityDeclares() {
        var failure = assertStartupFails(owners(Owner.DDL).withPropertyValues("expand-contract.migrations.owner-fone.phase=dual-write"),
                "owner-fone", null, null, "no entity declares @DualWrite(migration = \"owner-fone\")");
        // the message points at the id the user probably meant
        assertThat(failure.getProblem()).contains("declared migrations: owner-phone");
    }

    @Test
    void fromNamesNoPersistentProperty() {
        assertStartupFails(JpaTestSupport.runner(db, Supplier.class),
                "supplier-phone", "Supplier", "phoneNumber", "from = \"tel\" names no persistent property");
    }

    @Test
    void oldAndNewTypesDifferWithoutConverter() {
        assertStartupFails(JpaTestSupport.runner(db, Product.class),
                "product-stock", "Product", "stockCount", "is String but the new field is Integer, and no converter is given");
    }

    @Test
    void newColumnMissingInTheDatabase() {
        assertStartupFails(owners("create table owners (id bigint primary key, telephone varchar(40))"),
                "owner-phone", "Owner", "phoneNumber", "the new column phone_number does not exist in table");
    }

    @Test
    void oneMigrationIdOnTwoTables() {
        db.execute("drop table if exists people", "drop table if exists companies",
                "create table people (id bigint primary key, telephone varchar(40), phone_number varchar(40))",
                "create table companies (id bigint primary key, telephone varchar(40), phone_number varchar(40))");
        assertStartupFails(JpaTestSupport.runner(db, Party.class),
                "party-phone", "Party", "phoneNumber", "share the migration id 'party-phone' on different tables");
    }

    @Test
    void expandWithNotNullNewColumnWithoutDefault() {
        assertStartupFails(owners("create table owners (id bigint primary key, telephone varchar(40), phone_number varchar(40) not null)"),
                "owner-phone", "Owner", "phoneNumber", "phase expand does not write the new column phone_number, but it is NOT NULL without a default");
    }

    @Test
    void contractWithNotNullOldColumnWithoutDefault() {
        assertStartupFails(owners("create table owners (id bigint primary key, telephone varchar(40) not null, phone_number varchar(40))")
                        .withPropertyValues("expand-contract.migrations.owner-phone.phase=contract"),
                "owner-phone", "Owner", "phoneNumber", "phase contract no longer writes the old column telephone, but it is NOT NULL without a default");
    }

    private static MigrationConfigurationException assertStartupFails(ApplicationContextRunner runner, String migration,
                                                                      String entity, String field, String problem) {
        MigrationConfigurationException[] thrown = new MigrationConfigurationException[1];
        runner.run(context -> {
            assertThat(context).hasFailed();
            Throwable root = rootCause(context.getStartupFailure());
            // an id no entity declares has no entity or field to name; every other case names both
            String where = entity == null ? "" : " (entity " + entity + ", field " + field + ")";
            String analysisWhere = entity == null ? "" : " on entity " + entity + ", field " + field;
            assertThat(root).isInstanceOf(MigrationConfigurationException.class)
                    .hasMessageContaining("migration '" + migration + "'" + where + ": ")
                    .hasMessageContaining(problem);
            MigrationConfigurationException failure = (MigrationConfigurationException) root;
            assertThat(failure.getMigration()).isEqualTo(migration);
            assertThat(failure.getEntity()).isEqualTo(entity);
            assertThat(failure.getField()).isEqualTo(field);

            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getCause()).isSameAs(failure);
            assertThat(analysis.getDescription())
                    .isEqualTo("Migration '" + migration + "'" + analysisWhere + ": " + failure.getProblem())
                    .contains(problem);
            assertThat(failure.getFix()).isNotBlank();
            assertThat(analysis.getAction()).isEqualToIgnoringCase(failure.getFix());
            thrown[0] = failure;
        });
        assertThat(thrown[0]).as("the context ran").isNotNull();
        return thrown[0];
    }
}
