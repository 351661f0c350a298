package io.github.expandcontract.backfill;

import io.github.expandcontract.DualWrite;
import io.github.expandcontract.migration.MigrationCatalog;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.github.expandcontract.backfill.BackfillTestSupport.await;
import static io.github.expandcontract.backfill.BackfillTestSupport.awaitVerification;
import static io.github.expandcontract.backfill.BackfillTestSupport.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Operator requests the state does not allow are refused with the reason, and change nothing: on
 * an instance that does not write both columns, a verification in the middle of a backfill, a pause
 * of a completed one.
 */
class BackfillOperationRefusalIntegrationTests {

    @Entity(name = "Crate")
    @Table(name = "crates")
    public static class Crate {
        @Id Long id;
        @Column(name = "code") String code;
        @Column(name = "crate_code") @DualWrite(migration = "crate-code", from = "code") String crateCode;
    }

    static final String CRATES = "crate-code";

    PostgresTestDatabase db;

    @BeforeEach
    void setUp() {
        db = PostgresTestDatabase.forClass(BackfillOperationRefusalIntegrationTests.class);
        db.execute("create table crates (id bigint primary key, code varchar(100), crate_code varchar(100))",
                "insert into crates select g, 'crate-' || g, null from generate_series(1, 6000) g", "analyze crates");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private BackfillCoordinator coordinator(Phase phase, BackfillSettings settings) {
        // contract on a fresh schema: forced past the rolling-deploy rules, which this test is not about
        MigrationCatalog catalog = BackfillTestSupport.forcedCatalog(db, CRATES, phase, Crate.class);
        return new BackfillCoordinator(db.dataSource(), catalog, id -> settings, "test-" + phase.configName());
    }

    @Test
    void anInstanceThatDoesNotWriteBothColumnsRefusesEveryOperation() {
        for (Phase phase : new Phase[] {Phase.EXPAND, Phase.CONTRACT}) {
            try (BackfillCoordinator coordinator = coordinator(phase, BackfillSettings.DEFAULTS)) {
                assertThatThrownBy(() -> coordinator.pause(CRATES)).isInstanceOf(OperationRefusedException.class)
                        .hasMessageContaining("'crate-code'").hasMessageContaining("phase " + phase.configName());
                assertThatThrownBy(() -> coordinator.resume(CRATES)).isInstanceOf(OperationRefusedException.class);
                assertThatThrownBy(() -> coordinator.restart(CRATES)).isInstanceOf(OperationRefusedException.class);
                assertThatThrownBy(() -> coordinator.verify(CRATES)).isInstanceOf(OperationRefusedException.class);
                assertThat(coordinator.progress(CRATES).status()).isEqualTo(BackfillStatus.NOT_STARTED);
                assertThat(coordinator.verification(CRATES).status()).isEqualTo(VerificationStatus.NOT_RUN);
            }
        }
        assertThat(count(db, "expand_contract_backfill", "true")).as("no backfill row was created").isZero();
    }

    @Test
    void verifyIsRefusedUntilTheBackfillCompletesAndPauseAfterwards() throws Exception {
        BackfillSettings slow = BackfillSettings.DEFAULTS.withBatchSize(200).withMaxRowsPerSecond(1_500);
        try (BackfillCoordinator coordinator = coordinator(Phase.BACKFILL, slow)) {
            coordinator.start();
            await("backfill RUNNING", () -> coordinator.progress(CRATES).status() == BackfillStatus.RUNNING, Duration.ofSeconds(10));
            assertThatThrownBy(() -> coordinator.verify(CRATES)).isInstanceOf(OperationRefusedException.class)
                    .hasMessageContaining("RUNNING").hasMessageContaining("verifies by itself when it completes");

            coordinator.pause(CRATES);
            await("backfill PAUSED", () -> coordinator.progress(CRATES).status() == BackfillStatus.PAUSED, Duration.ofSeconds(10));
            assertThatThrownBy(() -> coordinator.verify(CRATES)).isInstanceOf(OperationRefusedException.class)
                    .hasMessageContaining("PAUSED").hasMessageContaining("resume it first");
            assertThat(coordinator.verification(CRATES).status()).as("no verification ran").isEqualTo(VerificationStatus.NOT_RUN);

            coordinator.resume(CRATES);
            await("backfill COMPLETED", () -> coordinator.progress(CRATES).status() == BackfillStatus.COMPLETED, Duration.ofSeconds(30));
            assertThat(awaitVerification(coordinator, CRATES, Duration.ofSeconds(30)).status()).isEqualTo(VerificationStatus.PASSED);

            assertThatThrownBy(() -> coordinator.pause(CRATES)).isInstanceOf(OperationRefusedException.class)
                    .hasMessageContaining("COMPLETED");
            assertThat(coordinator.progress(CRATES).pauseRequested()).isFalse();
            assertThat(coordinator.verify(CRATES).get().status()).as("verify is allowed once completed").isEqualTo(VerificationStatus.PASSED);
        }
    }
}
