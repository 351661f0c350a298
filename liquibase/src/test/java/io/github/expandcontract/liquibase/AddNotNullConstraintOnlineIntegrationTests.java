package io.github.expandcontract.liquibase;

import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddNotNullConstraintOnlineIntegrationTests {

    private static final String HELPER = "customers_email_ec_not_null";
    /** What a writer's single-row update may take beyond the lock timeout on a shared, busy test machine. */
    private static final Duration MARGIN = Duration.ofMillis(300);

    private PostgresTestDatabase db;
    private PgCatalog catalog;

    @BeforeEach
    void createSchema() {
        db = PostgresTestDatabase.forClass(getClass());
        catalog = new PgCatalog(db);
    }

    @AfterEach
    void dropSchema() {
        db.close();
    }

    private void customers(int rows) {
        db.execute("create table customers (id bigint primary key, email varchar(200), visits int not null default 0, pad text)",
                "insert into customers select g, 'c' || g || '@example.com', 0, repeat('x', 200) from generate_series(1, " + rows + ") g",
                "analyze customers");
    }

    private LiquibaseRun notNull(String lockTimeout, int maxAttempts) {
        return LiquibaseRun.of(db, "db/notnull/email-not-null.yaml")
                .parameter("lockTimeout", lockTimeout)
                .parameter("maxAttempts", Integer.toString(maxAttempts));
    }

    @Test
    void aWriterIsNeverBlockedLongerThanTheLockTimeoutWhileTheChangeRunsOnAHalfMillionRowTable() throws Exception {
        customers(500_000);
        Duration lockTimeout = Duration.ofMillis(300);
        try (WriterProbe writer = new WriterProbe(db, "customers", 500_000)) {
            // a report that keeps the table open: the steps that need ACCESS EXCLUSIVE wait for it, and
            // the writer queues behind them until lock_timeout ends the wait; it ends 1.2 s after the
            // change first had to wait, so the change gets through on a later attempt
            Blocker report = new Blocker(db, "customers");
            Thread.sleep(200);

            long started = System.nanoTime();
            CompletableFuture<Void> change = CompletableFuture.runAsync(() -> {
                try {
                    notNull(lockTimeout.toMillis() + "ms", 10).update();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            awaitAlterTableWaitingForALock();
            Thread.sleep(1200);
            report.close();
            change.get(2, TimeUnit.MINUTES);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            Thread.sleep(200);
            WriterProbe.Result seen = writer.stop();
            System.out.printf("addNotNullConstraintOnline on 500k rows took %d ms; writer: %s%n", took.toMillis(), seen);

            assertThat(catalog.notNull("customers", "email")).isTrue();
            assertThat(catalog.constraintExists("customers", HELPER)).isFalse();
            assertThat(seen.updates()).as("the writer kept writing").isGreaterThan(100);
            assertThat(seen.max()).as("longest single-row update").isLessThan(lockTimeout.plus(MARGIN));
            assertThat(seen.max()).as("the writer did queue behind a step waiting for its lock, so the probe sees such waits")
                    .isGreaterThan(lockTimeout.dividedBy(3));
        }
    }

    private void awaitAlterTableWaitingForALock() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = statement.executeQuery("select count(*) from pg_stat_activity where wait_event_type = 'Lock' "
                        + "and query like 'ALTER TABLE " + db.schema() + ".customers%'")) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(10);
            }
        }
        throw new AssertionError("the change never waited for its lock");
    }

    @Test
    void aBlockerThatNeverLeavesMakesEveryAttemptTimeOutAndTheChangeFailWithoutHoldingUpWriters() throws Exception {
        customers(10_000);
        Duration lockTimeout = Duration.ofMillis(300);
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        try (Blocker blocker = new Blocker(db, "customers"); WriterProbe writer = new WriterProbe(db, "customers", 10_000)) {
            // only so that a change that waits without a lock timeout fails this test instead of hanging it
            watchdog.schedule(() -> {
                blocker.close();
                return null;
            }, 20, TimeUnit.SECONDS);
            Thread.sleep(100);
            long started = System.nanoTime();
            assertThatThrownBy(() -> notNull("300ms", 3).update())
                    .hasStackTraceContaining("addNotNullConstraintOnline on " + db.schema() + ".customers.email: step 'add NOT VALID "
                            + "check \"" + HELPER + "\"' did not get its lock within lock_timeout 300ms in 3 attempts")
                    .hasStackTraceContaining("pid " + blocker.pid() + " (idle in transaction")
                    .hasStackTraceContaining("Re-run the changeset once they have finished");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            WriterProbe.Result seen = writer.stop();
            System.out.printf("blocked addNotNullConstraintOnline gave up after %d ms; writer: %s%n", took.toMillis(), seen);

            // three waits of 300 ms with pauses of 0.5 s and 1 s between them
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(3 * 300 + 500 + 1000));
            assertThat(seen.max()).isLessThan(lockTimeout.plus(MARGIN));
            assertThat(seen.max()).isGreaterThan(lockTimeout.dividedBy(3));
        } finally {
            watchdog.shutdownNow();
        }
        assertThat(catalog.notNull("customers", "email")).isFalse();
        assertThat(catalog.constraintExists("customers", HELPER)).isFalse();
    }

    @Test
    void resumesFromAHelperCheckAnEarlierRunLeft() throws Exception {
        customers(1_000);
        db.execute("alter table customers add constraint " + HELPER + " check (email is not null) not valid");

        notNull("2s", 3).update();

        assertThat(catalog.notNull("customers", "email")).isTrue();
        assertThat(catalog.constraintExists("customers", HELPER)).isFalse();
    }

    @Test
    void resumesFromAValidatedHelperCheck() throws Exception {
        customers(1_000);
        db.execute("alter table customers add constraint " + HELPER + " check (email is not null)");

        notNull("2s", 3).update();

        assertThat(catalog.notNull("customers", "email")).isTrue();
        assertThat(catalog.constraintExists("customers", HELPER)).isFalse();
    }

    @Test
    void aColumnAlreadyNotNullOnlyLosesTheLeftoverHelperCheck() throws Exception {
        customers(1_000);
        db.execute("alter table customers alter column email set not null",
                "alter table customers add constraint " + HELPER + " check (email is not null)");

        notNull("2s", 3).update();

        assertThat(catalog.notNull("customers", "email")).isTrue();
        assertThat(catalog.constraintExists("customers", HELPER)).isFalse();
    }

    @Test
    void nullValuesFailTheChangeAndLeaveNoCheckBehindThatWouldRejectWrites() {
        customers(1_000);
        db.execute("update customers set email = null where id = 500");

        assertThatThrownBy(() -> notNull("2s", 3).update())
                .hasStackTraceContaining("the column still holds NULL values, so it cannot become NOT NULL")
                .hasStackTraceContaining("let the backfill finish");

        assertThat(catalog.notNull("customers", "email")).isFalse();
        assertThat(catalog.constraintExists("customers", HELPER)).isFalse();
        db.execute("insert into customers (id, email) values (0, null)");
    }

    @Test
    void rollbackDropsTheNotNullConstraint() throws Exception {
        customers(1_000);
        LiquibaseRun run = notNull("2s", 3);
        run.update();
        assertThat(run.rollbackSql(1)).contains("SET lock_timeout = '2000ms';",
                "ALTER TABLE " + db.schema() + ".customers DROP CONSTRAINT IF EXISTS \"" + HELPER + "\";",
                "ALTER TABLE " + db.schema() + ".customers ALTER COLUMN email DROP NOT NULL;");

        run.rollback(1);

        assertThat(catalog.notNull("customers", "email")).isFalse();
        db.execute("insert into customers (id, email) values (0, null)");
    }

    @Test
    void updateSqlShowsTheStepsInOrderAndRunsNothing() throws Exception {
        customers(100);
        String table = db.schema() + ".customers";

        String sql = notNull("500ms", 4).updateSql();

        assertThat(sql).containsSubsequence(
                "-- addNotNullConstraintOnline: run each statement in its own transaction",
                "SET lock_timeout = '500ms';",
                "ALTER TABLE " + table + " ADD CONSTRAINT \"" + HELPER + "\" CHECK (email IS NOT NULL) NOT VALID;",
                "ALTER TABLE " + table + " VALIDATE CONSTRAINT \"" + HELPER + "\";",
                "ALTER TABLE " + table + " ALTER COLUMN email SET NOT NULL;",
                "ALTER TABLE " + table + " DROP CONSTRAINT \"" + HELPER + "\";",
                "RESET lock_timeout;");
        assertThat(catalog.notNull("customers", "email")).isFalse();
        assertThat(catalog.constraintExists("customers", HELPER)).isFalse();
    }

    @Test
    void aChangeSetRunningInATransactionIsRefusedBeforeAnythingRuns() {
        customers(100);

        assertThatThrownBy(() -> LiquibaseRun.of(db, "db/notnull/in-transaction.yaml").update())
                .hasStackTraceContaining("addNotNullConstraintOnline in changeset db/notnull/in-transaction.yaml::not-null-in-transaction::test "
                        + "must run outside a transaction")
                .hasStackTraceContaining("runInTransaction=\"false\"");
        assertThat(catalog.constraintExists("customers", HELPER)).isFalse();
    }

    @Test
    void aMalformedLockTimeoutFailsValidationNamingTheAttribute() {
        customers(100);

        assertThatThrownBy(() -> notNull("2 seconds", 3).update())
                .hasStackTraceContaining("addNotNullConstraintOnline: lockTimeout '2 seconds' is not a duration; write e.g. 500ms, 2s or 1min");
        assertThat(catalog.constraintExists("customers", HELPER)).isFalse();
    }

    @Test
    void tuningLockTimeoutOrMaxAttemptsLaterDoesNotChangeTheChecksum() throws Exception {
        customers(100);
        notNull("2s", 3).update();

        notNull("500ms", 7).update();

        assertThat(catalog.notNull("customers", "email")).isTrue();
    }
}
