package io.github.expandcontract.backfill;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import static io.github.expandcontract.backfill.BackfillTestSupport.await;
import static io.github.expandcontract.backfill.BackfillTestSupport.awaitVerification;
import static io.github.expandcontract.backfill.BackfillTestSupport.count;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch that meets a row lock held by the application gives up after its short lock_timeout
 * instead of queueing behind it, and is retried with backoff: the backfill never FAILS for it.
 */
class BackfillLockTimeoutIntegrationTests {

    @Entity(name = "Ticket")
    @Table(name = "tickets")
    public static class Ticket {
        @Id Long id;
        @Column(name = "code") String code;
        @Column(name = "code_v2") @DualWrite(migration = "ticket-code", from = "code") String codeV2;
    }

    PostgresTestDatabase db;
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void setUp() {
        db = PostgresTestDatabase.forClass(BackfillLockTimeoutIntegrationTests.class);
        db.execute("create table tickets (id bigint primary key, code varchar(20), code_v2 varchar(20))",
                "insert into tickets select g, 'T' || g, null from generate_series(1, 5000) g");
        logs.start();
        ((Logger) LoggerFactory.getLogger(BackfillJob.class)).addAppender(logs);
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(BackfillJob.class)).detachAppender(logs);
        db.close();
    }

    @Test
    void aLockedRowMakesTheBatchRetryNotFail() throws Exception {
        MigrationCatalog catalog = BackfillTestSupport.catalog(db, "ticket-code", Phase.BACKFILL, Ticket.class);
        BackfillSettings settings = new BackfillSettings(500, 500, 500, Duration.ofMillis(500), 0, Duration.ZERO,
                Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofSeconds(5));
        try (Connection application = db.connect()) {
            application.setAutoCommit(false);
            try (Statement s = application.createStatement()) {
                s.execute("select * from tickets where id = 2600 for update"); // an application transaction holds row 2600
            }
            try (BackfillCoordinator coordinator = new BackfillCoordinator(db.dataSource(), catalog, id -> settings, "lock-test")) {
                coordinator.start();
                await("the batch with row 2600 retried at least twice", () -> logs.list.stream()
                        .filter(e -> e.getFormattedMessage().contains("failed transiently")
                                && e.getFormattedMessage().contains("55P03")).count() >= 2, Duration.ofSeconds(20));
                BackfillProgress blocked = coordinator.progress("ticket-code");
                assertThat(blocked.status()).isEqualTo(BackfillStatus.RUNNING);
                assertThat(blocked.rowsProcessed()).as("stopped before the locked row's batch").isEqualTo(2500);

                application.rollback(); // the application's transaction ends
                await("backfill COMPLETED", () -> coordinator.progress("ticket-code").status() == BackfillStatus.COMPLETED,
                        Duration.ofSeconds(30));
                assertThat(awaitVerification(coordinator, "ticket-code", Duration.ofSeconds(30)).status())
                        .isEqualTo(VerificationStatus.PASSED);
            }
        }
        assertThat(count(db, "tickets", "code_v2 is distinct from code")).isZero();
        assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains("backfill FAILED"));
    }
}
