package io.github.expandcontract.backfill;

import io.github.expandcontract.ColumnConverter;
import io.github.expandcontract.DualWrite;
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

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import static io.github.expandcontract.backfill.BackfillTestSupport.await;
import static io.github.expandcontract.backfill.BackfillTestSupport.awaitVerification;
import static io.github.expandcontract.backfill.BackfillTestSupport.count;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Operating a backfill through the Java API on a real PostgreSQL: pause and resume, the rate cap,
 * a failing batch and the restart from its checkpoint, values the Java converter cannot convert,
 * and the in-database copy through {@code backfillSql}.
 */
class BackfillOperationsIntegrationTests {

    // ---- a plain rename (identity, copied in SQL): pause/resume, throttle, failure/restart ----

    @Entity(name = "Parcel")
    @Table(name = "parcels")
    public static class Parcel {
        @Id Long id;
        @Column(name = "label") String label;
        @Column(name = "tracking_label") @DualWrite(migration = "parcel-label", from = "label") String trackingLabel;
    }

    // ---- Integer cents -> BigDecimal amount through a Java converter, no backfillSql ----

    /** Cents to a 2-decimal amount; refuses negative amounts (the backfill must skip and report such rows). */
    public static class CentsToAmount implements ColumnConverter<Integer, BigDecimal> {
        @Override
        public BigDecimal toNew(Integer cents) {
            if (cents < 0) {
                throw new IllegalArgumentException("negative amount: " + cents + " cents");
            }
            return BigDecimal.valueOf(cents, 2);
        }

        @Override
        public Integer toOld(BigDecimal amount) {
            return amount.movePointRight(2).intValueExact();
        }
    }

    @Entity(name = "Invoice")
    @Table(name = "invoices")
    public static class Invoice {
        @Id Long id;
        @Column(name = "amount_cents") Integer amountCents;
        @Column(name = "amount", precision = 12, scale = 2)
        @DualWrite(migration = "invoice-amount", from = "amountCents", converter = CentsToAmount.class)
        BigDecimal amount;
    }

    // ---- email -> canonical (upper-case) email, copied in SQL through backfillSql ----

    /** Upper-cases; counts its toNew calls, so the test can tell that the backfill did not go through Java. */
    public static class UpperCase implements ColumnConverter<String, String> {
        static final AtomicInteger TO_NEW_CALLS = new AtomicInteger();

        @Override
        public String toNew(String email) {
            TO_NEW_CALLS.incrementAndGet();
            return email.toUpperCase(Locale.ROOT);
        }

        @Override
        public String toOld(String canonical) {
            return canonical.toLowerCase(Locale.ROOT);
        }
    }

    @Entity(name = "Subscriber")
    @Table(name = "subscribers")
    public static class Subscriber {
        @Id Long id;
        @Column(name = "email") String email;
        @Column(name = "email_canonical")
        @DualWrite(migration = "subscriber-email", from = "email", converter = UpperCase.class, backfillSql = "upper(email)")
        String emailCanonical;
    }

    /** The same table with a backfillSql that disagrees with its converter (lower instead of upper case). */
    @Entity(name = "SloppySubscriber")
    @Table(name = "subscribers")
    public static class SloppySubscriber {
        @Id Long id;
        @Column(name = "email") String email;
        @Column(name = "email_canonical")
        @DualWrite(migration = "sloppy-email", from = "email", converter = UpperCase.class, backfillSql = "lower(email)")
        String emailCanonical;
    }

    static final String PARCELS = "parcel-label";

    PostgresTestDatabase db;

    @BeforeEach
    void setUp() {
        db = PostgresTestDatabase.forClass(BackfillOperationsIntegrationTests.class);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private MigrationCatalog parcels(int rows) {
        return parcels(db, rows);
    }

    /** A {@code parcels} table of {@code rows} rows, none copied yet, and the catalog in phase backfill. */
    static MigrationCatalog parcels(PostgresTestDatabase db, int rows) {
        db.execute("create table parcels (id bigint primary key, label varchar(100), tracking_label varchar(100))",
                "insert into parcels select g, 'parcel-' || g, null from generate_series(1, " + rows + ") g",
                "analyze parcels");
        return BackfillTestSupport.catalog(db, PARCELS, Phase.BACKFILL, Parcel.class);
    }

    @Test
    void pauseStopsTheBackfillAtItsCheckpointAndResumeFinishesIt() throws Exception {
        int rows = 30_000;
        MigrationCatalog catalog = parcels(rows);
        try (BackfillCoordinator coordinator = new BackfillCoordinator(db.dataSource(), catalog,
                id -> BackfillSettings.DEFAULTS.withMaxRowsPerSecond(5_000), "test-instance")) {
            coordinator.start();
            await("backfill running with progress", () -> coordinator.progress(PARCELS).rowsProcessed() > 0, Duration.ofSeconds(10));

            coordinator.pause(PARCELS);
            await("backfill PAUSED", () -> coordinator.progress(PARCELS).status() == BackfillStatus.PAUSED, Duration.ofSeconds(5));
            BackfillProgress paused = coordinator.progress(PARCELS);
            Thread.sleep(1_000); // a deliberate observation window: nothing may move while paused
            BackfillProgress stillPaused = coordinator.progress(PARCELS);
            assertThat(stillPaused.status()).isEqualTo(BackfillStatus.PAUSED);
            assertThat(stillPaused.pauseRequested()).isTrue();
            assertThat(stillPaused.rowsProcessed()).as("rows processed 1 s apart while paused").isEqualTo(paused.rowsProcessed());
            assertThat(stillPaused.lastKey()).isEqualTo(paused.lastKey());
            assertThat(paused.rowsProcessed()).as("paused before the end").isLessThan(rows);
            // the table agrees with the checkpoint: exactly the rows up to the last key are copied
            assertThat(count(db, "parcels", "tracking_label is not null")).isEqualTo(paused.rowsProcessed());
            assertThat(count(db, "parcels", "tracking_label is not null and id > " + paused.lastKey())).isZero();
            assertThat(coordinator.verification(PARCELS).status()).isEqualTo(VerificationStatus.NOT_RUN);

            coordinator.resume(PARCELS);
            await("backfill running again", () -> coordinator.progress(PARCELS).rowsProcessed() > paused.rowsProcessed(),
                    Duration.ofSeconds(5));
            await("backfill COMPLETED", () -> coordinator.progress(PARCELS).status() == BackfillStatus.COMPLETED, Duration.ofSeconds(20));
            BackfillProgress done = coordinator.progress(PARCELS);
            assertThat(done.pauseRequested()).isFalse();
            assertThat(done.rowsProcessed()).isEqualTo(rows);
            assertThat(done.rowsCopied()).isEqualTo(rows);
            VerificationResult verification = awaitVerification(coordinator, PARCELS, Duration.ofSeconds(30));
            assertThat(verification.status()).isEqualTo(VerificationStatus.PASSED);
            assertThat(verification.rowsChecked()).isEqualTo(rows);
            assertThat(count(db, "parcels", "tracking_label is distinct from label")).isZero();
        }
    }

    @Test
    void theRateCapIsHonoured() throws Exception {
        int rows = 20_000;
        double cap = 4_000;
        MigrationCatalog catalog = parcels(rows);
        try (BackfillCoordinator coordinator = new BackfillCoordinator(db.dataSource(), catalog,
                // yielding off: sessions of other builds on a shared test database would otherwise slow it below the cap
                id -> BackfillSettings.DEFAULTS.withMaxRowsPerSecond(cap).withTrafficYield(Duration.ofMillis(10), 1), "test-instance")) {
            long[] first = new long[2]; // {nanoTime, rowsProcessed} at the first progress seen
            coordinator.start();
            await("first progress", () -> {
                long processed = coordinator.progress(PARCELS).rowsProcessed();
                first[0] = System.nanoTime();
                first[1] = processed;
                return processed > 0;
            }, Duration.ofSeconds(10));
            await("backfill COMPLETED", () -> coordinator.progress(PARCELS).status() == BackfillStatus.COMPLETED, Duration.ofSeconds(20));
            double seconds = (System.nanoTime() - first[0]) / 1e9;
            BackfillProgress done = coordinator.progress(PARCELS);
            double rate = (done.rowsProcessed() - first[1]) / seconds;
            System.out.printf("rate cap %.0f rows/s: %d rows in %.2f s after the first %d, measured %.0f rows/s (reported %.0f)%n",
                    cap, done.rowsProcessed() - first[1], seconds, first[1], rate, done.rowsPerSecond());
            assertThat(done.rowsProcessed()).isEqualTo(rows);
            assertThat(done.batchSize()).as("no batch is larger than one second's worth of rows").isLessThanOrEqualTo((int) cap);
            assertThat(rate).as("measured rows per second").isBetween(cap * 0.8, cap * 1.2);
            assertThat(done.rowsPerSecond()).as("the rate the backfill reports to operators").isBetween(cap * 0.8, cap * 1.2);
            assertThat(awaitVerification(coordinator, PARCELS, Duration.ofSeconds(30)).status()).isEqualTo(VerificationStatus.PASSED);
        }
    }

    @Test
    void aFailingBatchMarksTheBackfillFailedAndRestartContinuesFromTheCheckpoint() throws Exception {
        int rows = 20_000;
        long poisoned = 12_345;
        MigrationCatalog catalog = parcels(rows);
        db.execute("""
                        create function refuse_poisoned_parcel() returns trigger language plpgsql as $$
                        begin
                            raise exception 'parcel % may not get a tracking label (test trigger)', new.id;
                        end $$""",
                "create trigger refuse_poisoned_parcel before update on parcels for each row "
                        + "when (new.id = " + poisoned + " and new.tracking_label is not null) execute function refuse_poisoned_parcel()");
        try (BackfillCoordinator coordinator = new BackfillCoordinator(db.dataSource(), catalog,
                id -> BackfillSettings.DEFAULTS.withBatchSize(1_000), "test-instance")) {
            coordinator.start();
            await("backfill FAILED", () -> coordinator.progress(PARCELS).status() == BackfillStatus.FAILED, Duration.ofSeconds(30));
            BackfillProgress failed = coordinator.progress(PARCELS);
            assertThat(failed.lastError()).contains("parcel 12345 may not get a tracking label (test trigger)");
            assertThat(failed.rowsProcessed()).isPositive().isLessThan(rows);
            assertThat(Long.parseLong(failed.lastKey())).as("checkpoint").isLessThan(poisoned);
            assertThat(failed.rowsProcessed()).as("rows processed = rows up to the checkpoint").isEqualTo(Long.parseLong(failed.lastKey()));
            // the failed window was rolled back: exactly the rows up to the checkpoint are copied
            assertThat(count(db, "parcels", "tracking_label is not null")).isEqualTo(failed.rowsProcessed());
            assertThat(count(db, "parcels", "tracking_label is not null and id > " + failed.lastKey())).isZero();
            assertThat(coordinator.verification(PARCELS).status()).as("no verification after a failed backfill")
                    .isEqualTo(VerificationStatus.NOT_RUN);

            db.execute("drop trigger refuse_poisoned_parcel on parcels");
            coordinator.restart(PARCELS);
            await("backfill COMPLETED", () -> coordinator.progress(PARCELS).status() == BackfillStatus.COMPLETED, Duration.ofSeconds(30));
            BackfillProgress done = coordinator.progress(PARCELS);
            assertThat(done.rowsProcessed()).as("continued from the checkpoint, no row counted twice").isEqualTo(rows);
            assertThat(done.rowsCopied()).isEqualTo(rows);
            assertThat(done.rowsTotal()).isEqualTo(rows);
            assertThat(done.lastError()).isNull();
            VerificationResult verification = awaitVerification(coordinator, PARCELS, Duration.ofSeconds(30));
            assertThat(verification.status()).isEqualTo(VerificationStatus.PASSED);
            assertThat(verification.rowsChecked()).isEqualTo(rows);
            assertThat(db.row("parcels", poisoned)).containsEntry("tracking_label", "parcel-12345");
        }
    }

    @Test
    void aValueTheConverterRejectsIsSkippedCountedAndReportedByTheVerification() throws Exception {
        int rows = 10_000;
        long negative = 4_321;
        long nullAmount = 17;
        long alreadyCopied = 99;
        db.execute("create table invoices (id bigint primary key, amount_cents int, amount numeric(12, 2))",
                "insert into invoices select g, (g * 37) % 100000, null from generate_series(1, " + rows + ") g",
                // the converter refuses this one; its new column holds a stale value that must stay untouched
                "update invoices set amount_cents = -500, amount = 77.77 where id = " + negative,
                "update invoices set amount_cents = null where id = " + nullAmount,
                "update invoices set amount = ((id * 37) % 100000) / 100.0 where id = " + alreadyCopied);
        MigrationCatalog catalog = BackfillTestSupport.catalog(db, "invoice-amount", Phase.BACKFILL, Invoice.class);
        assertThat(catalog.find("invoice-amount").orElseThrow().convertsInSql()).isFalse();
        try (BackfillCoordinator coordinator = new BackfillCoordinator(db.dataSource(), catalog,
                id -> BackfillSettings.DEFAULTS.withBatchSize(500), "test-instance")) {
            coordinator.start();
            await("backfill COMPLETED", () -> coordinator.progress("invoice-amount").status() == BackfillStatus.COMPLETED,
                    Duration.ofSeconds(30));
            BackfillProgress done = coordinator.progress("invoice-amount");
            assertThat(done.rowsProcessed()).isEqualTo(rows);
            assertThat(done.failedRows()).isEqualTo(1);
            assertThat(done.sampleFailedIds()).containsExactly(String.valueOf(negative));
            assertThat(done.rowsCopied()).as("all but the refused, the NULL and the already equal row").isEqualTo(rows - 3);
            assertThat(done.lastError()).isNull();

            assertThat(db.row("invoices", negative)).containsEntry("amount", new BigDecimal("77.77"));
            assertThat(db.row("invoices", nullAmount)).containsEntry("amount", null);
            assertThat(db.row("invoices", 1234L)).containsEntry("amount", new BigDecimal("456.58")); // 1234 * 37 = 45658 cents
            assertThat(count(db, "invoices", "id <> " + negative + " and amount is distinct from amount_cents / 100.0")).isZero();

            VerificationResult verification = awaitVerification(coordinator, "invoice-amount", Duration.ofSeconds(30));
            assertThat(verification.status()).isEqualTo(VerificationStatus.FAILED);
            assertThat(verification.rowsChecked()).isEqualTo(rows);
            assertThat(verification.mismatches()).isEqualTo(1);
            assertThat(verification.sampleMismatchIds()).containsExactly(String.valueOf(negative));
        }
    }

    @Test
    void backfillSqlCopiesInTheDatabaseAndTheVerificationPasses() throws Exception {
        int rows = 20_000;
        db.execute("create table subscribers (id bigint primary key, email varchar(100), email_canonical varchar(100))",
                "insert into subscribers select g, case when g % 1000 = 0 then null else 'user' || g || '@example.org' end, null "
                        + "from generate_series(1, " + rows + ") g");
        MigrationCatalog catalog = BackfillTestSupport.catalog(db, "subscriber-email", Phase.BACKFILL, Subscriber.class);
        assertThat(catalog.find("subscriber-email").orElseThrow().convertsInSql()).isTrue();
        UpperCase.TO_NEW_CALLS.set(0);
        try (BackfillCoordinator coordinator = new BackfillCoordinator(db.dataSource(), catalog,
                id -> BackfillSettings.DEFAULTS.withBatchSize(500), "test-instance")) {
            coordinator.start();
            await("backfill COMPLETED", () -> coordinator.progress("subscriber-email").status() == BackfillStatus.COMPLETED,
                    Duration.ofSeconds(30));
            BackfillProgress done = coordinator.progress("subscriber-email");
            assertThat(done.rowsProcessed()).isEqualTo(rows);
            assertThat(done.rowsCopied()).as("every row but the NULL emails").isEqualTo(rows - rows / 1000);
            assertThat(done.failedRows()).isZero();
            VerificationResult verification = awaitVerification(coordinator, "subscriber-email", Duration.ofSeconds(30));
            assertThat(verification.status()).isEqualTo(VerificationStatus.PASSED);
            assertThat(verification.rowsChecked()).isEqualTo(rows);
            assertThat(UpperCase.TO_NEW_CALLS.get()).as("the verification checks every non-NULL row through the Java converter; "
                    + "the backfill never did").isEqualTo(rows - rows / 1000);
        }
        assertThat(count(db, "subscribers", "email_canonical is distinct from upper(email)")).isZero();
        assertThat(count(db, "subscribers", "email is null and email_canonical is not null")).isZero();
        // the SQL expression and the Java converter agree
        assertThat(db.row("subscribers", 4242L)).containsEntry("email_canonical", new UpperCase().toNew("user4242@example.org"));
    }

    /** A backfillSql that disagrees with the converter copies fast but wrong: the verification, which uses the converter, says so. */
    @Test
    void aBackfillSqlThatDisagreesWithItsConverterFailsTheVerification() throws Exception {
        int rows = 3_000;
        db.execute("create table subscribers (id bigint primary key, email varchar(100), email_canonical varchar(100))",
                "insert into subscribers select g, 'user' || g || '@example.org', null from generate_series(1, " + rows + ") g");
        MigrationCatalog catalog = BackfillTestSupport.catalog(db, "sloppy-email", Phase.BACKFILL, SloppySubscriber.class);
        try (BackfillCoordinator coordinator = new BackfillCoordinator(db.dataSource(), catalog,
                id -> BackfillSettings.DEFAULTS.withBatchSize(500), "test-instance")) {
            coordinator.start();
            VerificationResult verification = awaitVerification(coordinator, "sloppy-email", Duration.ofSeconds(30));
            assertThat(verification.status()).isEqualTo(VerificationStatus.FAILED);
            assertThat(verification.mismatches()).as("every row copied by lower(email)").isEqualTo(rows);
        }
    }
}
