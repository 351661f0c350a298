package io.github.expandcontract.backfill;

import io.github.expandcontract.migration.MigrationCatalog;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import static io.github.expandcontract.backfill.BackfillTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A verification that hits an error never stays RUNNING (which would refuse read-new for good): a
 * transient error (here a cancelled statement) is retried, any other ends the verification FAILED,
 * and in both cases the completed backfill stays COMPLETED.
 */
class BackfillVerificationErrorIntegrationTests {

    static final String PARCELS = BackfillOperationsIntegrationTests.PARCELS;

    PostgresTestDatabase db;

    @BeforeEach
    void setUp() {
        db = PostgresTestDatabase.forClass(BackfillVerificationErrorIntegrationTests.class);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    /** Every row already copied and the backfill recorded COMPLETED, so the job's next turn verifies. */
    private MigrationCatalog copiedAndCompleted(int rows) throws Exception {
        MigrationCatalog catalog = BackfillOperationsIntegrationTests.parcels(db, rows);
        db.execute("update parcels set tracking_label = label");
        try (Connection c = db.connect()) {
            BackfillRepository repository = new BackfillRepository();
            repository.ensureRow(c, PARCELS);
            repository.markCompleted(c, PARCELS);
        }
        return catalog;
    }

    @Test
    void aCancelledVerificationIsRunAgainAndPasses() throws Exception {
        MigrationCatalog catalog = copiedAndCompleted(3_000);
        try (Connection locker = db.connect()) {
            locker.setAutoCommit(false);
            try (Statement s = locker.createStatement()) {
                s.execute("lock table parcels in access exclusive mode");
            }
            try (BackfillCoordinator coordinator = new BackfillCoordinator(db.dataSource(), catalog,
                    id -> BackfillSettings.DEFAULTS, "test-instance")) {
                coordinator.start();
                int[] pid = {0};
                await("the verification waits for the table lock", () -> (pid[0] = waitingVerifier()) != 0, Duration.ofSeconds(20));
                try (Connection c = db.connect(); PreparedStatement cancel = c.prepareStatement("select pg_cancel_backend(?)")) {
                    cancel.setInt(1, pid[0]);
                    cancel.executeQuery().close();
                }
                locker.commit(); // the lock goes: the retried verification can read
                await("the verification ran again and PASSED",
                        () -> coordinator.verification(PARCELS).status() == VerificationStatus.PASSED, Duration.ofSeconds(30));
                assertThat(coordinator.verification(PARCELS).rowsChecked()).isEqualTo(3_000);
                assertThat(coordinator.progress(PARCELS).status()).isEqualTo(BackfillStatus.COMPLETED);
            }
        }
    }

    @Test
    void aVerificationThatCannotRunEndsFailedAndTheBackfillStaysCompleted() throws Exception {
        MigrationCatalog catalog = copiedAndCompleted(1_000);
        db.execute("alter table parcels rename column tracking_label to tracking_label_gone"); // every check now fails
        try (BackfillCoordinator coordinator = new BackfillCoordinator(db.dataSource(), catalog,
                id -> BackfillSettings.DEFAULTS, "test-instance")) {
            coordinator.start();
            await("the verification FAILED", () -> coordinator.verification(PARCELS).status() == VerificationStatus.FAILED,
                    Duration.ofSeconds(20));
            assertThat(coordinator.verification(PARCELS).mismatches()).isZero();
            assertThat(coordinator.verification(PARCELS).finishedAt()).isNotNull();
            assertThat(coordinator.progress(PARCELS).status()).isEqualTo(BackfillStatus.COMPLETED);
        }
    }

    /** The backend pid of the library's statement waiting for a lock on parcels, or 0. */
    private int waitingVerifier() {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select pid from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()"
                     + " and query like '" + KeysetTable.SQL_MARKER.trim() + "%'")) {
            return rs.next() ? rs.getInt(1) : 0;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
