package io.github.expandcontract.liquibase;

import io.github.expandcontract.liquibase.PgCatalog.IndexState;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The formatted-SQL equivalents documented in docs/liquibase.md do what the changes and preconditions do. */
class FormattedSqlEquivalentIntegrationTests {

    private static final String MIGRATION = "customer-email";

    private PostgresTestDatabase db;
    private PgCatalog catalog;
    private StateTables state;

    @BeforeEach
    void createTable() {
        db = PostgresTestDatabase.forClass(getClass());
        catalog = new PgCatalog(db);
        state = new StateTables(db);
        db.execute("create table customers (id bigint primary key, old_email varchar(200), email varchar(200))",
                "insert into customers select g, 'c' || g || '@example.com', 'c' || g || '@example.com' from generate_series(1, 5000) g");
    }

    @AfterEach
    void dropSchema() {
        db.close();
    }

    @Test
    void runsRerunsAfterAFailedIndexBuildAndRollsBack() throws Exception {
        state.create().verification(MIGRATION, VerificationStatus.PASSED, 0, List.of())
                .instance("a", MIGRATION, "contract", 1).instance("b", MIGRATION, "read-new", 600);
        db.execute("update customers set email = 'twin@example.com' where id in (1, 2)");
        LiquibaseRun run = LiquibaseRun.of(db, "db/sql/changelog.sql");

        assertThatThrownBy(run::update).hasStackTraceContaining("could not create unique index");
        assertThat(catalog.index("customers_email_uq")).isEqualTo(IndexState.INVALID);

        db.execute("update customers set email = 'c1@example.com' where id = 1");
        run.update();

        assertThat(catalog.index("customers_email_uq")).isEqualTo(IndexState.VALID);
        assertThat(catalog.notNull("customers", "email")).isTrue();
        assertThat(catalog.constraintExists("customers", "customers_email_ec_not_null")).isFalse();
        assertThat(catalog.columnExists("customers", "old_email")).isFalse();

        run.rollback(3);

        assertThat(catalog.columnExists("customers", "old_email")).isTrue();
        assertThat(catalog.notNull("customers", "email")).isFalse();
        assertThat(catalog.index("customers_email_uq")).isEqualTo(IndexState.MISSING);
    }

    @Test
    void thePreconditionsStopTheDrop() throws Exception {
        state.create().verification(MIGRATION, VerificationStatus.FAILED, 1, List.of("3"))
                .instance("a", MIGRATION, "read-new", 1);
        LiquibaseRun run = LiquibaseRun.of(db, "db/sql/changelog.sql");

        assertThatThrownBy(run::update).hasStackTraceContaining("SQL Precondition failed.  Expected '1' got '0'");
        state.verification(MIGRATION, VerificationStatus.PASSED, 0, List.of());
        assertThatThrownBy(run::update).hasStackTraceContaining("SQL Precondition failed.  Expected '0' got '1'");

        assertThat(catalog.columnExists("customers", "old_email")).isTrue();
        db.execute("update expand_contract_instance set phase = 'contract'");
        run.update();
        assertThat(catalog.columnExists("customers", "old_email")).isFalse();
    }
}
