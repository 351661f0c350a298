package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.autoconfigure.entities.owner.Owner;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static io.github.expandcontract.autoconfigure.JpaTestSupport.inTransaction;
import static io.github.expandcontract.autoconfigure.JpaTestSupport.rootCause;
import static org.assertj.core.api.Assertions.assertThat;

/** The starter reports bypassing bulk writes, and creates its state table unless told never to. */
@ExtendWith(OutputCaptureExtension.class)
class BypassWarningAndStateTableTests {

    private static PostgresTestDatabase db;

    @BeforeAll
    static void createSchema() {
        db = PostgresTestDatabase.forClass(BypassWarningAndStateTableTests.class);
        db.execute(Owner.DDL);
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @Test
    void bulkJpqlUpdateOfOneColumnIsReportedInDualWrite(CapturedOutput output) {
        JpaTestSupport.runner(db, Owner.class).withPropertyValues("expand-contract.migrations.owner-phone.phase=dual-write")
                .run(context -> {
                    inTransaction(context, em -> em.persist(new Owner(1L, "111")));
                    inTransaction(context, em -> em.createQuery("update Owner set telephone = '999' where id = 1").executeUpdate());
                });
        assertThat(db.row("owners", 1L)).containsEntry("telephone", "999").containsEntry("phone_number", "111");
        assertThat(output).contains("expand-contract migration 'owner-phone': a statement writes telephone of table owners "
                + "but not phone_number");
    }

    @Test
    void stateTableIsRequiredWhenInitializeSchemaIsNever() {
        db.execute("drop table if exists expand_contract_migration", "drop table if exists expand_contract_backfill", "drop table if exists expand_contract_verification");
        JpaTestSupport.runner(db, Owner.class).withPropertyValues("expand-contract.jdbc.initialize-schema=never")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(rootCause(context.getStartupFailure()))
                            .hasMessageContaining("expand_contract_migration, expand_contract_backfill, expand_contract_verification, expand_contract_instance and expand_contract_override do not all exist")
                            .hasMessageContaining("expand-contract.jdbc.initialize-schema");
                });
        JpaTestSupport.runner(db, Owner.class).run(context -> assertThat(context).hasNotFailed());
        JpaTestSupport.runner(db, Owner.class).withPropertyValues("expand-contract.jdbc.initialize-schema=NEVER")
                .run(context -> assertThat(context).hasNotFailed());
    }
}
