package io.github.expandcontract.backfill;

import io.github.expandcontract.DualWrite;
import io.github.expandcontract.convert.StringToLongConverter;
import io.github.expandcontract.migration.MigrationCatalog;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationResult;
import io.github.expandcontract.verify.VerificationStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.github.expandcontract.backfill.BackfillTestSupport.await;
import static io.github.expandcontract.backfill.BackfillTestSupport.awaitVerification;
import static io.github.expandcontract.backfill.BackfillTestSupport.count;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rows whose old value does not convert, across interruptions of the backfill: their count and
 * sample live in the state table, committed with the window that found them, so a stopped runner's
 * successor and a rolled-back window neither lose nor double-count them, and the verification
 * reports exactly them.
 */
class BackfillFailedRowsIntegrationTests {

    static final String MIGRATION = "ticket-number";
    static final int ROWS = 3_000;
    static final List<String> BAD_IDS = List.of("100", "1500", "2900");

    @Entity(name = "Ticket") @Table(name = "tickets")
    public static class Ticket {
        @Id Long id;
        @Column(name = "number_text") String numberText;
        @Column(name = "number") @DualWrite(migration = MIGRATION, from = "numberText", converter = StringToLongConverter.class)
        Long number;
    }

    PostgresTestDatabase db;

    @BeforeEach
    void setUp() {
        db = PostgresTestDatabase.forClass(BackfillFailedRowsIntegrationTests.class);
        db.execute("create table tickets (id bigint primary key, number_text varchar(20), number bigint)",
                "insert into tickets select g, (g * 11)::text, null from generate_series(1, " + ROWS + ") g",
                "update tickets set number_text = 'n/a-' || id where id in (" + String.join(", ", BAD_IDS) + ")");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private void assertFinishedWithExactlyTheBadRows(BackfillCoordinator coordinator) throws InterruptedException {
        await("backfill COMPLETED", () -> coordinator.progress(MIGRATION).status() == BackfillStatus.COMPLETED, Duration.ofSeconds(60));
        BackfillProgress done = coordinator.progress(MIGRATION);
        assertThat(done.rowsProcessed()).isEqualTo(ROWS);
        assertThat(done.failedRows()).isEqualTo(BAD_IDS.size());
        assertThat(done.sampleFailedIds()).containsExactlyElementsOf(BAD_IDS);
        assertThat(count(db, "tickets", "number is null")).isEqualTo(BAD_IDS.size());
        assertThat(count(db, "tickets", "number_text like 'n/a-%' and number is not null")).isZero();
        VerificationResult verification = awaitVerification(coordinator, MIGRATION, Duration.ofSeconds(30));
        assertThat(verification.status()).isEqualTo(VerificationStatus.FAILED);
        assertThat(verification.mismatches()).isEqualTo(BAD_IDS.size());
        assertThat(verification.sampleMismatchIds()).containsExactlyElementsOf(BAD_IDS);
    }

    @Test
    void aStoppedRunnersFailedRowsAreKeptByTheInstanceThatResumes() throws Exception {
        MigrationCatalog catalog = BackfillTestSupport.catalog(db, MIGRATION, Phase.BACKFILL, Ticket.class);
        BackfillSettings slow = BackfillSettings.DEFAULTS.withBatchSize(100).withMaxRowsPerSecond(2_000);
        try (BackfillCoordinator first = new BackfillCoordinator(db.dataSource(), catalog, id -> slow, "instance-a")) {
            first.start();
            await("two bad rows passed", () -> first.progress(MIGRATION).rowsProcessed() >= 1_600, Duration.ofSeconds(30));
        }
        try (BackfillCoordinator second = new BackfillCoordinator(db.dataSource(), catalog,
                id -> BackfillSettings.DEFAULTS.withBatchSize(100), "instance-b")) {
            BackfillProgress stopped = second.progress(MIGRATION);
            assertThat(stopped.rowsProcessed()).isLessThan(ROWS);
            assertThat(stopped.failedRows()).isEqualTo(2);
            assertThat(stopped.sampleFailedIds()).containsExactly("100", "1500");
            second.start();
            assertFinishedWithExactlyTheBadRows(second);
        }
    }

    @Test
    void aRolledBackWindowDoesNotCountItsFailedRowsAndTheRestartCountsThemOnce() throws Exception {
        db.execute("""
                        create function refuse_ticket() returns trigger language plpgsql as $$
                        begin
                            raise exception 'ticket % refused (test trigger)', new.id;
                        end $$""",
                // row 1550 shares its window with the bad row 1500
                "create trigger refuse_ticket before update on tickets for each row "
                        + "when (new.id = 1550 and new.number is not null) execute function refuse_ticket()");
        MigrationCatalog catalog = BackfillTestSupport.catalog(db, MIGRATION, Phase.BACKFILL, Ticket.class);
        try (BackfillCoordinator coordinator = new BackfillCoordinator(db.dataSource(), catalog,
                id -> BackfillSettings.DEFAULTS.withBatchSize(100), "test-instance")) {
            coordinator.start();
            await("backfill FAILED", () -> coordinator.progress(MIGRATION).status() == BackfillStatus.FAILED, Duration.ofSeconds(30));
            BackfillProgress failed = coordinator.progress(MIGRATION);
            assertThat(Long.parseLong(failed.lastKey())).isLessThan(1500);
            assertThat(failed.failedRows()).as("only the committed windows' bad rows").isEqualTo(1);
            assertThat(failed.sampleFailedIds()).containsExactly("100");

            db.execute("drop trigger refuse_ticket on tickets");
            coordinator.restart(MIGRATION);
            assertFinishedWithExactlyTheBadRows(coordinator);
        }
    }
}
