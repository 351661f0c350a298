package io.github.expandcontract.backfill;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.expandcontract.DualWrite;
import io.github.expandcontract.migration.MigrationCatalog;
import io.github.expandcontract.observe.RecordingObserver;
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
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.github.expandcontract.backfill.BackfillTestSupport.awaitVerification;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** What the backfill and the verifier report: batches to the observer, and progress to the log at a steady cadence. */
class BackfillObservationIntegrationTests {

    @Entity(name = "Member")
    @Table(name = "members")
    public static class Member {
        @Id Long id;
        @Column(name = "email") String email;
        @Column(name = "email_address") @DualWrite(migration = "member-email", from = "email") String emailAddress;
    }

    static final String MIGRATION = "member-email";
    static final int ROWS = 4_000;
    static final Pattern PROGRESS = Pattern.compile("expand-contract migration 'member-email': backfill (\\d+\\.\\d)% "
            + "\\((\\d+) of ~(\\d+) rows\\), (\\d+) rows/s, ETA (\\d+s|unknown), batch size (\\d+)(, yielding to application traffic)?");

    PostgresTestDatabase db;
    final ListAppender<ILoggingEvent> log = new ListAppender<>();
    final Logger jobLogger = (Logger) LoggerFactory.getLogger(BackfillJob.class);

    @BeforeEach
    void setUp() {
        db = PostgresTestDatabase.forClass(BackfillObservationIntegrationTests.class);
        // every 10th row was dual-written already: the backfill passes it without copying
        db.execute("create table members (id bigint primary key, email varchar(100), email_address varchar(100))",
                "insert into members select g, 'm' || g || '@example', case when g % 10 = 0 then 'm' || g || '@example' end "
                        + "from generate_series(1, " + ROWS + ") g");
        log.start();
        jobLogger.addAppender(log);
    }

    @AfterEach
    void tearDown() {
        jobLogger.detachAppender(log);
        db.close();
    }

    private MigrationCatalog catalog() {
        return BackfillTestSupport.catalog(db, MIGRATION, Phase.BACKFILL, Member.class);
    }

    /** No yielding to the other tests' traffic on the shared server: the pace is the rate cap's alone. */
    private static BackfillSettings settings(int batchSize, int maxBatchSize, double maxRowsPerSecond, Duration progressLogInterval) {
        return new BackfillSettings(batchSize, Math.min(100, batchSize), maxBatchSize, Duration.ofMillis(500), maxRowsPerSecond,
                Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(30), progressLogInterval)
                .withTrafficYield(Duration.ofMillis(10), 1.0);
    }

    @Test
    void reportsEveryCommittedBatchAndEveryMismatch() throws Exception {
        RecordingObserver observer = new RecordingObserver();
        try (BackfillCoordinator coordinator = new BackfillCoordinator(db.dataSource(), catalog(),
                id -> settings(300, 10_000, 0, Duration.ofSeconds(5)), "observed-instance", observer)) {
            coordinator.start();
            assertThat(awaitVerification(coordinator, MIGRATION, Duration.ofSeconds(60)).status()).isEqualTo(VerificationStatus.PASSED);
            BackfillProgress progress = coordinator.progress(MIGRATION);
            assertThat(progress.rowsCopied()).isEqualTo(ROWS - ROWS / 10);

            List<RecordingObserver.Batch> batches = observer.batches(MIGRATION);
            assertThat(batches.stream().mapToLong(RecordingObserver.Batch::rows).sum())
                    .as("rows passed, copied or not").isEqualTo(ROWS).isEqualTo(progress.rowsProcessed());
            // from 300 rows, growing 1.5x at most: 300 + 450 + 675 + 1012 + 1518 < 4000, so at least 6 batches
            assertThat(batches).hasSizeGreaterThanOrEqualTo(6)
                    .allSatisfy(batch -> {
                        assertThat(batch.rows()).isPositive();
                        assertThat(batch.took()).isPositive();
                    });
            assertThat(batches.get(0).rows()).as("the first batch has the configured size").isEqualTo(300);
            assertThat(observer.mismatches(MIGRATION)).as("the verification after the backfill found none").isZero();

            db.execute("update members set email_address = 'wrong' where id in (17, 3999)");
            VerificationResult failed = coordinator.verify(MIGRATION).get();
            assertThat(failed.mismatches()).isEqualTo(2);
            assertThat(observer.mismatches(MIGRATION)).isEqualTo(2);
            assertThat(observer.batches(MIGRATION)).as("a verification copies nothing").hasSameSizeAs(batches);
        }
    }

    @Test
    void logsProgressWithPercentRowsRateEtaAndBatchSizeAtTheConfiguredCadence() throws Exception {
        Duration interval = Duration.ofMillis(300);
        long started = System.currentTimeMillis();
        try (BackfillCoordinator coordinator = new BackfillCoordinator(db.dataSource(), catalog(),
                // batches of 100 rows every 50 ms: many more batches than progress lines
                id -> settings(100, 100, 2_000, interval), "logging-instance")) {
            coordinator.start();
            awaitVerification(coordinator, MIGRATION, Duration.ofSeconds(60));
        }
        long tookMillis = System.currentTimeMillis() - started;

        List<ILoggingEvent> lines = log.list.stream().filter(e -> e.getFormattedMessage().contains("% (")).toList();
        // 4,000 rows at 2,000 rows/s take 2 s or more: a line every 300 ms gives about 6
        assertThat(lines).hasSizeGreaterThanOrEqualTo(3).hasSizeLessThanOrEqualTo((int) (tookMillis / interval.toMillis()) + 1);
        long previousRows = -1;
        double previousPercent = -1;
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = PROGRESS.matcher(lines.get(i).getFormattedMessage());
            assertThat(m.matches()).as("progress line: %s", lines.get(i).getFormattedMessage()).isTrue();
            double percent = Double.parseDouble(m.group(1));
            long rows = Long.parseLong(m.group(2));
            long rate = Long.parseLong(m.group(4));
            assertThat(Long.parseLong(m.group(3))).as("total").isEqualTo(ROWS);
            assertThat(rows).isGreaterThan(previousRows).isLessThanOrEqualTo(ROWS);
            assertThat(percent).isGreaterThan(previousPercent).isCloseTo(100.0 * rows / ROWS, within(0.1));
            assertThat(rate).as("rows/s under the 2,000 cap").isLessThanOrEqualTo(2_200);
            assertThat(m.group(6)).as("batch size").isEqualTo("100");
            if (i > 0) {
                assertThat(rate).as("known from the second batch on").isPositive();
                assertThat(m.group(5)).as("ETA").matches("\\d+s");
                long eta = Long.parseLong(m.group(5).replace("s", ""));
                assertThat(eta).isCloseTo(Math.round((double) (ROWS - rows) / rate), within(1L));
                assertThat(lines.get(i).getTimeStamp() - lines.get(i - 1).getTimeStamp())
                        .as("at most one line per interval").isGreaterThanOrEqualTo(interval.toMillis() - 1);
            }
            previousRows = rows;
            previousPercent = percent;
        }
        assertThat(log.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                .contains("backfill COMPLETED: " + ROWS + " rows passed, " + (ROWS - ROWS / 10) + " copied, 0 failed"));
    }
}
