package io.github.expandcontract.backfill;

import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.hibernate.ExpandContractIntegrator;
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
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.BootstrapServiceRegistryBuilder;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

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

    private ExpandContractIntegrator start(Phase phase) {
        ExpandContractIntegrator integrator = new ExpandContractIntegrator(new ExpandContractSettings(Map.of("account-email", phase)));
        var registry = new StandardServiceRegistryBuilder(new BootstrapServiceRegistryBuilder().applyIntegrator(integrator).build())
                .applySettings(Map.of("jakarta.persistence.jdbc.url", db.jdbcUrl(), "jakarta.persistence.jdbc.user", db.user(),
                        "jakarta.persistence.jdbc.password", db.password()))
                .build();
        try (SessionFactory ignored = new MetadataSources(registry).addAnnotatedClass(Account.class).buildMetadata().buildSessionFactory()) {
            return integrator;
        }
    }

    private long count(String where) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from accounts where " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void copiesEveryRowThenVerifiesAndTheVerificationGatesReadNew() throws Exception {
        MigrationCatalog catalog = start(Phase.BACKFILL).catalog();
        try (BackfillCoordinator coordinator = new BackfillCoordinator(db.dataSource(), catalog,
                id -> BackfillSettings.DEFAULTS.withBatchSize(500), "test-instance")) {
            coordinator.start();
            await(() -> coordinator.verification("account-email").status() == VerificationStatus.PASSED, Duration.ofSeconds(60));
            BackfillProgress progress = coordinator.progress("account-email");
            assertThat(progress.status()).isEqualTo(BackfillStatus.COMPLETED);
            assertThat(progress.rowsProcessed()).isEqualTo(ROWS);
            assertThat(progress.rowsCopied()).isEqualTo(ROWS);
            assertThat(progress.percent()).isEqualTo(100.0);
            assertThat(progress.batchSize()).as("the batch size adapted upward from 500").isGreaterThan(500);
            assertThat(count("email_address is distinct from email")).isZero();
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
            await(() -> coordinator.progress("account-email").status() == BackfillStatus.COMPLETED
                    && coordinator.verification("account-email").status() == VerificationStatus.PASSED, Duration.ofSeconds(60));
            assertThat(coordinator.progress("account-email").rowsCopied()).as("only the corrupted row needed a copy").isEqualTo(1);
        }
        start(Phase.READ_NEW);
    }
}
