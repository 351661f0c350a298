package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.autoconfigure.entities.owner.Owner;
import io.github.expandcontract.backfill.BackfillCoordinator;
import io.github.expandcontract.fleet.InstanceRegistry;
import io.github.expandcontract.fleet.LiveInstance;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Every application with the library enabled registers in the fleet table while its context runs,
 * whatever its phase, under the same id that owns the backfill lease; closing the context removes it.
 */
class FleetAutoConfigurationTests {

    private static PostgresTestDatabase db;

    @BeforeAll
    static void createSchema() {
        db = PostgresTestDatabase.forClass(FleetAutoConfigurationTests.class);
        db.execute(Owner.DDL);
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @Test
    void theRunningContextIsListedWithItsPhaseAndLeavesWhenClosed() {
        AtomicReference<String> instanceId = new AtomicReference<>();
        JpaTestSupport.runner(db, Owner.class)
                .withPropertyValues("expand-contract.migrations.owner-phone.phase=dual-write",
                        "expand-contract.instances.heartbeat-interval=2s", "expand-contract.instances.timeout=7s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    InstanceRegistry registry = context.getBean(InstanceRegistry.class);
                    instanceId.set(registry.instanceId());
                    assertThat(registry.settings().interval()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(registry.settings().timeout()).isEqualTo(Duration.ofSeconds(7));
                    assertThat(context.getBean(BackfillCoordinator.class).instanceId())
                            .as("the lease owner and the fleet entry are the same instance").isEqualTo(registry.instanceId());
                    assertThat(registry.liveInstances(Owner.MIGRATION)).extracting(LiveInstance::instanceId, LiveInstance::phase)
                            .containsExactly(tuple(registry.instanceId(), Phase.DUAL_WRITE));
                });
        assertThat(rows(instanceId.get())).as("the closed context left the fleet").isZero();
    }

    @Test
    void aTimeoutNotLongerThanTheHeartbeatFailsStartupNamingTheProperties() {
        JpaTestSupport.runner(db, Owner.class)
                .withPropertyValues("expand-contract.instances.heartbeat-interval=30s", "expand-contract.instances.timeout=10s")
                .run(context -> {
                    assertThat(context).hasFailed();
                    // refused while the properties are bound (ExpandContractProperties validates itself)
                    assertThat(JpaTestSupport.analyze(context.getStartupFailure()).getDescription())
                            .contains("Property: expand-contract.instances.timeout", "Value: \"PT10S\"",
                                    "Reason: must be longer than heartbeat-interval (PT30S)");
                });
    }

    static long rows(String instanceId) {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from expand_contract_instance where instance_id = '" + instanceId + "'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
