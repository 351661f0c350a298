package io.github.expandcontract.liquibase;

import io.github.expandcontract.liquibase.PgCatalog.IndexState;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The same changelog, using both changes and both preconditions, written in each format Liquibase reads. */
class ChangelogFormatsIntegrationTests {

    private static final String MIGRATION = "customer-email";

    @ParameterizedTest
    @ValueSource(strings = {"xml", "yaml", "json"})
    void runsAndRollsBack(String format) throws Exception {
        try (PostgresTestDatabase db = PostgresTestDatabase.forClass(getClass())) {
            PgCatalog catalog = new PgCatalog(db);
            db.execute("create table customers (id bigint primary key, old_email varchar(200), email varchar(200), "
                            + "visits int not null default 0)",
                    "insert into customers select g, 'c' || g || '@example.com', 'c' || g || '@example.com' "
                            + "from generate_series(1, 5000) g");
            new StateTables(db).create().verification(MIGRATION, VerificationStatus.PASSED, 0, List.of())
                    .instance("a", MIGRATION, "contract", 1);
            LiquibaseRun run = LiquibaseRun.of(db, "db/formats/changelog." + format)
                    .parameter("expand-contract.migrations." + MIGRATION + ".phase", "contract");

            run.update();

            assertThat(catalog.index("customers_email_uq")).isEqualTo(IndexState.VALID);
            assertThat(catalog.indexIsUnique("customers_email_uq")).isTrue();
            assertThat(catalog.notNull("customers", "email")).isTrue();
            assertThat(catalog.constraintExists("customers", "customers_email_ec_not_null")).isFalse();
            assertThat(catalog.columnExists("customers", "old_email")).isFalse();

            run.rollback(3);

            assertThat(catalog.columnExists("customers", "old_email")).isTrue();
            assertThat(catalog.notNull("customers", "email")).isFalse();
            assertThat(catalog.index("customers_email_uq")).isEqualTo(IndexState.MISSING);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"xml", "yaml", "json"})
    void thePreconditionsStopTheContractStep(String format) throws Exception {
        try (PostgresTestDatabase db = PostgresTestDatabase.forClass(getClass())) {
            PgCatalog catalog = new PgCatalog(db);
            db.execute("create table customers (id bigint primary key, old_email varchar(200), email varchar(200))");
            StateTables state = new StateTables(db).create().verification(MIGRATION, VerificationStatus.FAILED, 1, List.of("3"))
                    .instance("a", MIGRATION, "read-new", 1);
            LiquibaseRun run = LiquibaseRun.of(db, "db/formats/changelog." + format)
                    .parameter("expand-contract.migrations." + MIGRATION + ".phase", "contract");

            assertThatThrownBy(run::update)
                    .hasStackTraceContaining("migrationVerified 'customer-email': the latest verification FAILED");
            state.verification(MIGRATION, VerificationStatus.PASSED, 0, List.of());
            assertThatThrownBy(run::update)
                    .hasStackTraceContaining("noOldColumnWriters 'customer-email': 1 live instance(s) still write the old column");

            assertThat(catalog.columnExists("customers", "old_email")).isTrue();
        }
    }

    @Test
    void theXmlSchemaRejectsAMisspelledAttribute() {
        try (PostgresTestDatabase db = PostgresTestDatabase.forClass(getClass())) {
            assertThatThrownBy(() -> LiquibaseRun.of(db, "db/formats/misspelled-attribute.xml").update())
                    .hasStackTraceContaining("Error parsing line 12")
                    .hasStackTraceContaining("tabelName");
        }
    }
}
