package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.autoconfigure.entities.naming.ShippingAddress;
import io.github.expandcontract.hibernate.ExpandContractIntegrator;
import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.github.expandcontract.autoconfigure.JpaTestSupport.inTransaction;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Boot's default naming (camelCase to snake_case) is what the engine checks and writes:
 * the table only has the snake_case columns, so a check against the Java names would fail startup.
 */
class PhysicalNamingTests {

    private static PostgresTestDatabase db;

    @BeforeAll
    static void createSchema() {
        db = PostgresTestDatabase.forClass(PhysicalNamingTests.class);
        db.execute(ShippingAddress.DDL);
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @Test
    void schemaCheckAndDualWriteUseSnakeCaseNames() {
        JpaTestSupport.runner(db, ShippingAddress.class)
                .withPropertyValues("expand-contract.migrations.address-street.phase=dual-write")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Migration migration = context.getBean(ExpandContractIntegrator.class).catalog().find("address-street").orElseThrow();
                    assertThat(migration.table().name()).isEqualTo("shipping_address");
                    assertThat(migration.oldColumn()).isEqualTo("street_line");
                    assertThat(migration.newColumn()).isEqualTo("street_name");

                    inTransaction(context, em -> em.persist(new ShippingAddress(1L, "1 Main Street")));

                    assertThat(db.row("shipping_address", 1L))
                            .containsEntry("street_line", "1 Main Street").containsEntry("street_name", "1 Main Street");
                });
    }
}
