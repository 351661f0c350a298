package io.github.expandcontract.liquibase;

import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PreconditionsIntegrationTests {

    private static final String MIGRATION = "customer-email";
    private static final String PHASE = "expand-contract.migrations.customer-email.phase";

    private PostgresTestDatabase db;
    private PgCatalog catalog;
    private StateTables state;

    @BeforeEach
    void createTable() {
        db = PostgresTestDatabase.forClass(getClass());
        catalog = new PgCatalog(db);
        state = new StateTables(db);
        db.execute("create table customers (id bigint primary key, old_email varchar(200), email varchar(200))");
    }

    @AfterEach
    void dropSchema() {
        db.close();
    }

    private LiquibaseRun dropOldEmail() {
        return LiquibaseRun.of(db, "db/preconditions/drop-old-email.yaml");
    }

    private LiquibaseRun dropOldEmailInContract() {
        return dropOldEmail().parameter(PHASE, "contract");
    }

    @Test
    void bothHoldWhenVerifiedAndOnlyContractInstancesAreLive() throws Exception {
        state.create().verification(MIGRATION, VerificationStatus.PASSED, 0, List.of())
                .instance("a", MIGRATION, "contract", 2)
                .instance("b", MIGRATION, "read-new", 300)
                .instance("c", "another-migration", "dual-write", 1);

        dropOldEmailInContract().update();

        assertThat(catalog.columnExists("customers", "old_email")).isFalse();
    }

    @Test
    void migrationVerifiedFailsWithoutTheStateTables() {
        assertThatThrownBy(() -> dropOldEmailInContract().update())
                .hasStackTraceContaining("migrationVerified 'customer-email': expand-contract's state table "
                        + "expand_contract_verification does not exist in this schema")
                .hasStackTraceContaining("Run the application in phase backfill until the verification of 'customer-email' PASSES");
        assertThat(catalog.columnExists("customers", "old_email")).isTrue();
    }

    @Test
    void migrationVerifiedFailsWhenNoVerificationRan() throws Exception {
        state.create();

        assertThatThrownBy(() -> dropOldEmailInContract().update())
                .hasStackTraceContaining("migrationVerified 'customer-email': no verification has run yet.");
        assertThat(catalog.columnExists("customers", "old_email")).isTrue();
    }

    @Test
    void migrationVerifiedFailsWhenTheLastVerificationFailed() throws Exception {
        state.create().verification(MIGRATION, VerificationStatus.FAILED, 2, List.of("17", "42"));

        assertThatThrownBy(() -> dropOldEmailInContract().update())
                .hasStackTraceContaining("migrationVerified 'customer-email': the latest verification FAILED with 2 mismatching "
                        + "row(s) of 1000 (e.g. ids 17, 42).");
        assertThat(catalog.columnExists("customers", "old_email")).isTrue();
    }

    @Test
    void migrationVerifiedFailsWhileAVerificationRuns() throws Exception {
        state.create().verification(MIGRATION, VerificationStatus.RUNNING, 0, List.of());

        assertThatThrownBy(() -> dropOldEmailInContract().update())
                .hasStackTraceContaining("migrationVerified 'customer-email': a verification is still running");
    }

    @Test
    void noOldColumnWritersCountsTheRunningInstanceAsExpandWhenItsPhaseIsNotGiven() throws Exception {
        state.create().verification(MIGRATION, VerificationStatus.PASSED, 0, List.of());

        assertThatThrownBy(() -> dropOldEmail().update())
                .hasStackTraceContaining("noOldColumnWriters 'customer-email': the instance running this changelog runs phase expand "
                        + "(changelog parameter expand-contract.migrations.customer-email.phase is not set, and unset means expand), "
                        + "which writes the old column")
                .hasStackTraceContaining("spring.liquibase.parameters.expand-contract.migrations.customer-email.phase=contract");
        assertThat(catalog.columnExists("customers", "old_email")).isTrue();
    }

    @Test
    void noOldColumnWritersFailsWhenTheRunningInstanceIsInReadNew() throws Exception {
        state.create().verification(MIGRATION, VerificationStatus.PASSED, 0, List.of());

        assertThatThrownBy(() -> dropOldEmail().parameter(PHASE, "READ_NEW").update())
                .hasStackTraceContaining("runs phase read-new (changelog parameter expand-contract.migrations.customer-email.phase)");
    }

    @Test
    void noOldColumnWritersReadsTheRunningInstancesPhaseFromASystemProperty() throws Exception {
        state.create().verification(MIGRATION, VerificationStatus.PASSED, 0, List.of());
        System.setProperty(PHASE, "contract");
        try {
            dropOldEmail().update();
        } finally {
            System.clearProperty(PHASE);
        }
        assertThat(catalog.columnExists("customers", "old_email")).isFalse();
    }

    @Test
    void noOldColumnWritersRejectsAnUnknownPhaseNamingTheParameter() throws Exception {
        state.create().verification(MIGRATION, VerificationStatus.PASSED, 0, List.of());

        assertThatThrownBy(() -> dropOldEmail().parameter(PHASE, "contracted").update())
                .hasStackTraceContaining("changelog parameter expand-contract.migrations.customer-email.phase: Unknown phase "
                        + "'contracted'; valid phases are expand, dual-write, backfill, read-new, contract");
        assertThat(catalog.columnExists("customers", "old_email")).isTrue();
    }

    @Test
    void noOldColumnWritersFailsWithoutTheInstanceTable() throws Exception {
        state.create().verification(MIGRATION, VerificationStatus.PASSED, 0, List.of()).withoutInstanceTable();

        assertThatThrownBy(() -> dropOldEmailInContract().update())
                .hasStackTraceContaining("noOldColumnWriters 'customer-email': expand-contract's instance table "
                        + "expand_contract_instance does not exist in this schema");
        assertThat(catalog.columnExists("customers", "old_email")).isTrue();
    }

    @Test
    void noOldColumnWritersFailsWhileALiveInstanceWritesTheOldColumn() throws Exception {
        state.create().verification(MIGRATION, VerificationStatus.PASSED, 0, List.of())
                .instance("a", MIGRATION, "contract", 1)
                .instance("b", MIGRATION, "read-new", 5)
                .instance("c", MIGRATION, "future-phase", 5);

        assertThatThrownBy(() -> dropOldEmailInContract().update())
                .hasStackTraceContaining("noOldColumnWriters 'customer-email': 2 live instance(s) still write the old column: "
                        + "b (phase read-new, host host-b, last seen ")
                .hasStackTraceContaining("c (phase future-phase, host host-c, last seen ")
                .hasStackTraceContaining("Wait until every instance runs phase contract, or has been gone for 30s");
        assertThat(catalog.columnExists("customers", "old_email")).isTrue();
    }
}
