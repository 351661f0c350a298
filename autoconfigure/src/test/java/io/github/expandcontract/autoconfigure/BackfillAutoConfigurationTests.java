package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.autoconfigure.entities.owner.Owner;
import io.github.expandcontract.backfill.BackfillCoordinator;
import io.github.expandcontract.backfill.BackfillStatus;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** In phase backfill the backfill starts by itself when the application starts, and its properties bind. */
class BackfillAutoConfigurationTests {

    private static PostgresTestDatabase db;

    @BeforeAll
    static void createSchema() {
        db = PostgresTestDatabase.forClass(BackfillAutoConfigurationTests.class);
        db.execute(Owner.DDL, "insert into owners select g, '555-' || g, null from generate_series(1, 5000) g");
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @Test
    void backfillStartsOnItsOwnInPhaseBackfillAndVerifies() {
        JpaTestSupport.runner(db, Owner.class)
                .withPropertyValues("expand-contract.migrations.owner-phone.phase=backfill",
                        "expand-contract.migrations.owner-phone.backfill.batch-size=300",
                        "expand-contract.migrations.owner-phone.backfill.target-batch-time=200ms",
                        "expand-contract.migrations.owner-phone.backfill.max-rows-per-second=0",
                        "expand-contract.migrations.owner-phone.backfill.pause-between-batches=0s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    BackfillCoordinator coordinator = context.getBean(BackfillCoordinator.class);
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (coordinator.verification("owner-phone").status() != VerificationStatus.PASSED) {
                        assertThat(System.nanoTime()).as("verification passed in time").isLessThan(deadline);
                        Thread.sleep(50);
                    }
                    assertThat(coordinator.progress("owner-phone").status()).isEqualTo(BackfillStatus.COMPLETED);
                    assertThat(coordinator.progress("owner-phone").rowsProcessed()).isEqualTo(5000);
                    ExpandContractProperties.Backfill bound = context.getBean(ExpandContractProperties.class)
                            .getMigrations().get("owner-phone").getBackfill();
                    assertThat(bound.getBatchSize()).isEqualTo(300);
                    assertThat(bound.getTargetBatchTime()).isEqualTo(Duration.ofMillis(200));
                });
        assertThat(db.row("owners", 4321L)).containsEntry("phone_number", "555-4321");
    }

    @Test
    void aNegativeBatchSizeFailsStartupNamingTheProperty() {
        JpaTestSupport.runner(db, Owner.class)
                .withPropertyValues("expand-contract.migrations.owner-phone.phase=dual-write",
                        "expand-contract.migrations.owner-phone.backfill.batch-size=-5")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(JpaTestSupport.analyze(context.getStartupFailure()).getDescription())
                            .contains("Property: expand-contract.migrations.owner-phone.backfill.batchSize", "Value: \"-5\"",
                                    "Reason: must be at least 1");
                });
    }
}
