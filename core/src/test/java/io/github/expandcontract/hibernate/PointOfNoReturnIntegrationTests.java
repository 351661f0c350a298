package io.github.expandcontract.hibernate;

import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.fleet.RolloutSettings;
import io.github.expandcontract.migration.MigrationConfigurationException;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Once an instance has started in contract, no instance may start in a phase that uses the old column. */
class PointOfNoReturnIntegrationTests {

    PostgresTestDatabase db;

    @BeforeEach
    void setUp() {
        db = PostgresTestDatabase.forClass(PointOfNoReturnIntegrationTests.class);
        db.execute(Customer.DDL.split(";"));
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private void start(Phase phase) {
        // no bake-in: contract may follow read-new at once
        TestSessionFactories.build(db, new ExpandContractIntegrator(TestSessionFactories.withRollout(Map.of("customer-email", phase),
                Map.of("customer-email", RolloutSettings.DEFAULTS.withBakeIn(Duration.ZERO)))), Map.of(), Customer.class).close();
    }

    private boolean contractRecorded() {
        try (var c = db.connect(); var s = c.createStatement();
             var rs = s.executeQuery("select contract_reached_at from expand_contract_migration where migration_id = 'customer-email'")) {
            return rs.next() && rs.getTimestamp(1) != null;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void goingBackFromContractIsRefusedWithTheFix() {
        start(Phase.DUAL_WRITE);
        TestSessionFactories.markVerified(db, "customer-email");
        start(Phase.READ_NEW);
        start(Phase.DUAL_WRITE); // going back before contract is fine
        start(Phase.READ_NEW);
        start(Phase.CONTRACT);
        assertThat(contractRecorded()).isTrue();

        assertThatThrownBy(() -> start(Phase.READ_NEW))
                .isInstanceOf(MigrationConfigurationException.class)
                .hasMessageContaining("'customer-email'").hasMessageContaining("Customer").hasMessageContaining("emailAddress")
                .hasMessageContaining("reached contract at").hasMessageContaining("Going back from contract is refused")
                .hasMessageContaining("keep phase contract");
        start(Phase.CONTRACT); // a restart in contract is fine
    }

    @Test
    void theStateTableIsCreatedUnlessToldNever() {
        assertThatThrownBy(() -> TestSessionFactories.build(db,
                new ExpandContractIntegrator(new ExpandContractSettings(Map.of(), false)), Map.of(), Customer.class))
                .hasMessageContaining("expand_contract_migration, expand_contract_backfill, expand_contract_verification, expand_contract_instance and expand_contract_override do not all exist")
                .hasMessageContaining("expand-contract-state.yaml");
        start(Phase.EXPAND);
        TestSessionFactories.build(db, new ExpandContractIntegrator(new ExpandContractSettings(Map.of(), false)), Map.of(),
                Customer.class).close();
    }
}
