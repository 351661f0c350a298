package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.autoconfigure.entities.owner.Owner;
import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.hibernate.ExpandContractIntegrator;
import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.github.expandcontract.autoconfigure.JpaTestSupport.analyze;
import static io.github.expandcontract.autoconfigure.JpaTestSupport.inTransaction;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code expand-contract.migrations.<id>.phase} binds leniently and the bound phase drives what is written. */
class ExpandContractPropertiesBindingTests {

    private static PostgresTestDatabase db;

    @BeforeAll
    static void createSchema() {
        db = PostgresTestDatabase.forClass(ExpandContractPropertiesBindingTests.class);
        db.execute(Owner.DDL);
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @BeforeEach
    void emptyTable() {
        db.execute("delete from owners");
    }

    private ApplicationContextRunner runner() {
        return JpaTestSupport.runner(db, Owner.class);
    }

    @ParameterizedTest
    @ValueSource(strings = { "dual-write", "DUAL_WRITE", "dual_write" })
    void everySpellingOfDualWriteBindsAndWritesBothColumns(String value) {
        runner().withPropertyValues("expand-contract.migrations.owner-phone.phase=" + value).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(ExpandContractProperties.class).getMigrations().get(Owner.MIGRATION).getPhase())
                    .isEqualTo(Phase.DUAL_WRITE);
            assertThat(context.getBean(ExpandContractSettings.class).phaseOf(Owner.MIGRATION)).isEqualTo(Phase.DUAL_WRITE);
            assertThat(context.getBean(ExpandContractIntegrator.class).catalog().find(Owner.MIGRATION))
                    .map(Migration::phase).contains(Phase.DUAL_WRITE);

            inTransaction(context, em -> em.persist(new Owner(1L, "555-0101")));

            assertThat(db.row("owners", 1L)).containsEntry("telephone", "555-0101").containsEntry("phone_number", "555-0101");
        });
    }

    @Test
    void unsetPhaseIsExpandAndWritesOnlyTheOldColumn() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(ExpandContractSettings.class).phaseOf(Owner.MIGRATION)).isEqualTo(Phase.EXPAND);
            assertThat(context.getBean(ExpandContractIntegrator.class).catalog().find(Owner.MIGRATION))
                    .map(Migration::phase).contains(Phase.EXPAND);

            inTransaction(context, em -> em.persist(new Owner(1L, "555-0101")));

            assertThat(db.row("owners", 1L)).containsEntry("telephone", "555-0101").containsEntry("phone_number", null);
        });
    }

    @Test
    void unknownPhaseFailsStartupNamingThePropertyAndTheValidPhases() {
        runner().withPropertyValues("expand-contract.migrations.owner-phone.phase=sideways").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("expand-contract.migrations.owner-phone.phase", "sideways");
            assertThat(analysis.getAction()).contains("EXPAND", "DUAL_WRITE", "BACKFILL", "READ_NEW", "CONTRACT");
        });
    }
}
