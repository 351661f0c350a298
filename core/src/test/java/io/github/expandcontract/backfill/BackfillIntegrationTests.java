package io.github.expandcontract.backfill;

import io.github.expandcontract.migration.MigrationCatalog;
import io.github.expandcontract.migration.MigrationConfigurationException;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationResult;
import io.github.expandcontract.verify.VerificationStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import io.github.expandcontract.DualWrite;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.github.expandcontract.backfill.BackfillTestSupport.await;
import static io.github.expandcontract.backfill.BackfillTestSupport.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The backfill copies every row in keyset batches, completes, verifies, and the verification gates read-new. */
class BackfillIntegrationTests {

    @Entity(name = "Account")
    @Table(name = "accounts")
    public static class Account {
        @Id Long id;
        @Column(name = "email") String email;
        @Column(name = "email_address") @DualWrite(migration = "account-email", from = "email") String emailAddress;
    }

    static final int ROWS = 20_000;
    PostgresTestDatabase db;

    @BeforeEach
    void setUp() {
        db = PostgresTestDatabase.forClass(BackfillIntegrationTests.class);
        db.execute("create table accounts (id bigint primary key, email varchar(100), email_address varchar(100))",
                "insert into accounts select g, 'user' || g || '@example', null from generate_series(1, " + ROWS + ") g");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private MigrationCatalog start(Phase phase) {
        return BackfillTestSupport.catalog(db, "account-email", phase, Account.class);
    }

    @Test
    void copiesEveryRowThenVerifiesAndTheVerificationGatesReadNew() throws Exception {
        MigrationCatalog catalog = start(Phase.BACKFILL);
        try (BackfillCoordinator coordinator = new BackfillCoordinator(db.dataSource(), catalog,
                // yielding off: sessions of other builds on a shared test database would aim batches at 10 ms
                id -> BackfillSettings.DEFAULTS.withBatchSize(500).withTrafficYield(Duration.ofMillis(10), 1), "test-instance")) {
            coordinator.start();
            await("verification PASSED", () -> coordinator.verification("account-email").status() == VerificationStatus.PASSED,
                    Duration.ofSeconds(60));
            BackfillProgress progress = coordinator.progress("account-email");
            assertThat(progress.status()).isEqualTo(BackfillStatus.COMPLETED);
            assertThat(progress.rowsProcessed()).isEqualTo(ROWS);
            assertThat(progress.rowsCopied()).isEqualTo(ROWS);
            assertThat(progress.percent()).isEqualTo(100.0);
            assertThat(progress.batchSize()).as("the batch size adapted upward from 500").isGreaterThan(500);
            assertThat(count(db, "accounts", "email_address is distinct from email")).isZero();
            assertThat(coordinator.verification("account-email").rowsChecked()).isEqualTo(ROWS);

            // a row corrupted behind the library's back is found, and read-new is refused until it is fixed
            db.execute("update accounts set email_address = 'corrupt' where id = 4242");
            VerificationResult failed = coordinator.verify("account-email").get();
            assertThat(failed.status()).isEqualTo(VerificationStatus.FAILED);
            assertThat(failed.mismatches()).isEqualTo(1);
            assertThat(failed.sampleMismatchIds()).containsExactly("4242");
            assertThatThrownBy(() -> start(Phase.READ_NEW)).isInstanceOf(MigrationConfigurationException.class)
                    .hasMessageContaining("its last verification FAILED with 1 mismatches (e.g. ids [4242])");

            coordinator.restart("account-email"); // a completed backfill runs again from the first row
            await("re-run COMPLETED and verified", () -> coordinator.progress("account-email").status() == BackfillStatus.COMPLETED
                    && coordinator.verification("account-email").status() == VerificationStatus.PASSED, Duration.ofSeconds(60));
            assertThat(coordinator.progress("account-email").rowsCopied()).as("only the corrupted row needed a copy").isEqualTo(1);
        }
        start(Phase.READ_NEW);
    }
}
