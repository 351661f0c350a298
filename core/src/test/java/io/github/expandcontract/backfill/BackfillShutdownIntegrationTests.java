package io.github.expandcontract.backfill;

import io.github.expandcontract.migration.MigrationCatalog;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.github.expandcontract.backfill.BackfillTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

/** An instance shutting down while its runner waits for a connection leaves the backfill resumable, not FAILED. */
class BackfillShutdownIntegrationTests {

    PostgresTestDatabase db;

    @BeforeEach
    void setUp() {
        db = PostgresTestDatabase.forClass(BackfillShutdownIntegrationTests.class);
        db.execute("create table tickets (id bigint primary key, code varchar(20), code_v2 varchar(20))",
                "insert into tickets select g, 'T' || g, null from generate_series(1, 20000) g");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    /** Like an exhausted pool: once {@code exhausted} is set, getConnection waits (2 s) or is interrupted, and throws. */
    private static DataSource exhaustible(DataSource real, AtomicBoolean exhausted) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && exhausted.get()) {
                        try {
                            Thread.sleep(2_000);
                        } catch (InterruptedException e) {
                            // the shutdown frees connections, so the next request gets one again
                            exhausted.set(false);
                            // as HikariCP reports it: no SQLState, so nothing marks it transient
                            throw new SQLException("Interrupted during connection acquisition", e);
                        }
                        throw new SQLException("Connection is not available, request timed out after 2000ms", "08001");
                    }
                    return method.invoke(real, args);
                });
    }

    @Test
    void aShutdownDuringAConnectionWaitDoesNotMarkTheBackfillFailed() throws Exception {
        MigrationCatalog catalog = BackfillTestSupport.catalog(db, "ticket-code", Phase.BACKFILL,
                BackfillLockTimeoutIntegrationTests.Ticket.class);
        AtomicBoolean exhausted = new AtomicBoolean();
        BackfillCoordinator coordinator = new BackfillCoordinator(exhaustible(db.dataSource(), exhausted), catalog,
                id -> BackfillSettings.DEFAULTS.withBatchSize(200).withMaxRowsPerSecond(4000), "shutdown-test");
        coordinator.start();
        await("some progress", () -> coordinator.progress("ticket-code").rowsProcessed() > 0, Duration.ofSeconds(10));
        exhausted.set(true);
        Thread.sleep(500); // the runner is now waiting for a connection
        coordinator.close();

        BackfillCoordinator reader = new BackfillCoordinator(db.dataSource(), catalog, id -> BackfillSettings.DEFAULTS, "reader");
        BackfillProgress after = reader.progress("ticket-code");
        assertThat(after.status()).as("a clean shutdown is not a failure").isEqualTo(BackfillStatus.RUNNING);
        assertThat(after.lastError()).isNull();
        assertThat(after.rowsProcessed()).isBetween(1L, 19_999L);
        reader.close();
    }
}
