package io.github.expandcontract.liquibase;

import io.github.expandcontract.liquibase.PgCatalog.IndexState;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CreateIndexConcurrentlyIntegrationTests {

    private PostgresTestDatabase db;
    private PgCatalog catalog;

    @BeforeEach
    void createTable() {
        db = PostgresTestDatabase.forClass(getClass());
        catalog = new PgCatalog(db);
        db.execute("create table customers (id bigint primary key, email varchar(200))",
                "insert into customers select g, 'c' || g || '@example.com' from generate_series(1, 20000) g");
    }

    @AfterEach
    void dropSchema() {
        db.close();
    }

    @Test
    void buildsTheIndexConcurrently() throws Exception {
        LiquibaseRun.of(db, "db/index/unique-email.yaml").update();

        assertThat(catalog.index("customers_email_uq")).isEqualTo(IndexState.VALID);
        assertThat(catalog.indexIsUnique("customers_email_uq")).isTrue();
    }

    @Test
    void aFailedBuildLeavesAnInvalidIndexThatTheNextRunDropsAndRebuilds() throws Exception {
        db.execute("update customers set email = 'twin@example.com' where id in (7, 4242)");

        assertThatThrownBy(() -> LiquibaseRun.of(db, "db/index/unique-email.yaml").update())
                .hasStackTraceContaining("createIndexConcurrently customers_email_uq on " + db.schema() + ".customers failed")
                .hasStackTraceContaining("could not create unique index")
                .hasStackTraceContaining("PostgreSQL left the index INVALID")
                .hasStackTraceContaining("re-run");
        assertThat(catalog.index("customers_email_uq")).isEqualTo(IndexState.INVALID);

        db.execute("update customers set email = 'c7@example.com' where id = 7");
        LiquibaseRun.of(db, "db/index/unique-email.yaml").update();

        assertThat(catalog.index("customers_email_uq")).isEqualTo(IndexState.VALID);
        assertThatThrownBy(() -> db.execute("insert into customers values (0, 'twin@example.com')"))
                .hasMessageContaining("customers_email_uq");
    }

    @Test
    void aValidIndexOfTheSameNameOnTheTableCountsAsBuilt() throws Exception {
        // as if an earlier run built it and died before Liquibase recorded the changeset
        db.execute("create unique index customers_email_uq on customers (email)");

        LiquibaseRun.of(db, "db/index/unique-email.yaml").update();

        assertThat(catalog.index("customers_email_uq")).isEqualTo(IndexState.VALID);
    }

    @Test
    void aChangeSetRunningInATransactionIsRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> LiquibaseRun.of(db, "db/index/in-transaction.yaml").update())
                .hasStackTraceContaining("createIndexConcurrently in changeset db/index/in-transaction.yaml::index-in-transaction::test "
                        + "must run outside a transaction")
                .hasStackTraceContaining("runInTransaction=\"false\"");
        assertThat(catalog.index("customers_email_idx")).isEqualTo(IndexState.MISSING);
    }

    @Test
    void rollbackDropsTheIndexConcurrently() throws Exception {
        LiquibaseRun run = LiquibaseRun.of(db, "db/index/unique-email.yaml");
        run.update();
        assertThat(run.rollbackSql(1)).contains("DROP INDEX CONCURRENTLY IF EXISTS " + db.schema() + ".customers_email_uq;");

        run.rollback(1);

        assertThat(catalog.index("customers_email_uq")).isEqualTo(IndexState.MISSING);
    }

    @Test
    void updateSqlShowsTheConcurrentStatementAndRunsNothing() throws Exception {
        String sql = LiquibaseRun.of(db, "db/index/unique-email.yaml").updateSql();

        assertThat(sql).contains("CREATE UNIQUE INDEX CONCURRENTLY customers_email_uq ON " + db.schema() + ".customers(email);")
                .contains("-- createIndexConcurrently: if an INVALID index customers_email_uq is left");
        assertThat(catalog.index("customers_email_uq")).isEqualTo(IndexState.MISSING);
    }
}
