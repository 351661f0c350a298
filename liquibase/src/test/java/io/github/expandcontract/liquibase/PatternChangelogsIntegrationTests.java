package io.github.expandcontract.liquibase;

import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The changelogs of docs/patterns.md (rename and type change; the NOT NULL one is in
 * {@link FillNullsFlowIntegrationTests}), run on PostgreSQL in the order the guide deploys them,
 * with the library's state as the application leaves it at each step.
 */
class PatternChangelogsIntegrationTests {

    private PostgresTestDatabase db;
    private PgCatalog catalog;
    private StateTables state;

    @BeforeEach
    void createSchema() {
        db = PostgresTestDatabase.forClass(getClass());
        catalog = new PgCatalog(db);
        state = new StateTables(db);
    }

    @AfterEach
    void dropSchema() {
        db.close();
    }

    private LiquibaseRun run(String file) {
        return LiquibaseRun.of(db, "db/patterns/" + file);
    }

    @Test
    void rename() throws Exception {
        db.execute("create table customers (id bigint primary key, email varchar(200) not null)",
                "insert into customers values (1, 'a@example.com'), (2, 'b@example.com')");
        run("rename-1-expand.yaml").update();
        assertThat(catalog.columnExists("customers", "email_address")).isTrue();
        assertThat(catalog.notNull("customers", "email_address")).isFalse();

        // read-new: the unique index waits for a passed verification
        state.create();
        assertThatThrownBy(() -> run("rename-4-read-new.yaml").update())
                .hasStackTraceContaining("migrationVerified 'customer-email': no verification has run yet.");
        db.execute("update customers set email_address = email");
        state.verification("customer-email", VerificationStatus.PASSED, 0, List.of());
        run("rename-4-read-new.yaml").update();
        assertThat(catalog.indexIsUnique("customers_email_address_uq")).isTrue();

        // contract: the old column no longer written must accept NULL
        run("rename-5-contract.yaml").update();
        assertThat(catalog.notNull("customers", "email")).isFalse();

        // drop: refused while an instance still writes the old column, or while this one is not in contract
        state.instance("still-read-new", "customer-email", "read-new", 1);
        assertThatThrownBy(() -> run("rename-7-drop.yaml").parameter("expand-contract.migrations.customer-email.phase", "contract")
                .update()).hasStackTraceContaining("noOldColumnWriters 'customer-email': 1 live instance(s) still write the old column");
        db.execute("delete from expand_contract_instance");
        assertThatThrownBy(() -> run("rename-7-drop.yaml").update()).hasStackTraceContaining("noOldColumnWriters 'customer-email'");
        assertThat(catalog.columnExists("customers", "email")).isTrue();
        run("rename-7-drop.yaml").parameter("expand-contract.migrations.customer-email.phase", "contract").update();
        assertThat(catalog.columnExists("customers", "email")).isFalse();
    }

    @Test
    void typeChange() throws Exception {
        db.execute("create table products (id bigint primary key, price_cents bigint not null)");
        run("type-1-expand.yaml").update();
        assertThat(catalog.columnExists("products", "price")).isTrue();
        assertThat(catalog.notNull("products", "price")).isFalse();

        run("type-5-contract.yaml").update();
        assertThat(catalog.notNull("products", "price_cents")).isFalse();

        state.create().verification("product-price", VerificationStatus.FAILED, 1, List.of("7"));
        assertThatThrownBy(() -> run("type-7-drop.yaml").parameter("expand-contract.migrations.product-price.phase", "contract")
                .update()).hasStackTraceContaining("migrationVerified 'product-price': the latest verification FAILED");
        state.verification("product-price", VerificationStatus.PASSED, 0, List.of());
        run("type-7-drop.yaml").parameter("expand-contract.migrations.product-price.phase", "contract").update();
        assertThat(catalog.columnExists("products", "price_cents")).isFalse();
    }
}
