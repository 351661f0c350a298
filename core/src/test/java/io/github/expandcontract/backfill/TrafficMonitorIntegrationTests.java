package io.github.expandcontract.backfill;

import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link TrafficMonitor} counts as application traffic, on a real PostgreSQL. It works in a
 * database of its own, so sessions of other tests or builds on the same server cannot look like
 * traffic here.
 */
class TrafficMonitorIntegrationTests {

    static PostgresTestDatabase server;
    static String database;
    static String url;

    @BeforeAll
    static void createDatabase() {
        server = PostgresTestDatabase.forClass(TrafficMonitorIntegrationTests.class);
        database = "ec_traffic_" + UUID.randomUUID().toString().substring(0, 8);
        server.execute("create database " + database);
        String base = server.jdbcUrl();
        int slash = base.indexOf('/', "jdbc:postgresql://".length());
        url = base.substring(0, slash + 1) + database; // without the per-class currentSchema: public is fine here
    }

    @AfterAll
    static void dropDatabase() {
        server.execute("drop database if exists " + database + " with (force)");
        server.close();
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(url, server.user(), server.password());
    }

    private static TrafficMonitor monitor() {
        return new TrafficMonitor(true, BackfillSettings.DEFAULTS);
    }

    private static void run(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void idleSessionsAreNoTrafficAndAStatementOfAnotherSessionIs() throws Exception {
        try (Connection backfill = connect(); Connection application = connect()) {
            run(application, "select 1");
            Thread.sleep(TrafficMonitor.SAMPLE_EVERY.toMillis() + 100);
            TrafficMonitor monitor = monitor();
            assertThat(monitor.trafficSeen(backfill)).as("what ran well before the first look does not count").isFalse();

            run(application, "select 2");
            Thread.sleep(TrafficMonitor.SAMPLE_EVERY.toMillis() + 50);
            assertThat(monitor.trafficSeen(backfill)).as("after the application ran a statement").isTrue();
            assertThat(monitor.sessions()).isEqualTo(1);

            Thread.sleep(TrafficMonitor.SAMPLE_EVERY.toMillis() + 50);
            assertThat(monitor.trafficSeen(backfill)).as("seen traffic lingers").isTrue();
            assertThat(monitor.sessions()).as("but the last look saw nobody").isZero();
        }
    }

    /** A backfill shorter than one sampling interval still sees the statement that ran just before it started. */
    @Test
    void theFirstLookSeesAStatementThatRanJustBeforeIt() throws Exception {
        try (Connection backfill = connect(); Connection application = connect()) {
            run(application, "select 1");
            TrafficMonitor monitor = monitor();
            assertThat(monitor.trafficSeen(backfill)).as("a statement within the last sampling interval").isTrue();
            assertThat(monitor.sessions()).isEqualTo(1);
        }
    }

    @Test
    void theLibrarysOwnStatementsAndConnectionsAreNoTraffic() throws Exception {
        try (Connection backfill = connect(); Connection marked = connect(); Connection stateTables = connect();
             Connection otherBackfill = connect()) {
            run(stateTables, "create table if not exists expand_contract_backfill_probe (id int)");
            TrafficMonitor.usedByBackfill(otherBackfill);
            TrafficMonitor monitor = monitor();
            Thread.sleep(1_300);
            assertThat(monitor.trafficSeen(backfill)).as("first look").isFalse();
            run(marked, KeysetTable.SQL_MARKER + "select 1");
            run(stateTables, "select count(*) from expand_contract_backfill_probe");
            run(otherBackfill, "begin");
            run(otherBackfill, "commit"); // a backfill's last statement is often a bare COMMIT
            assertThat(marked.isValid(1)).isTrue(); // pgjdbc sends an empty query
            Thread.sleep(TrafficMonitor.SAMPLE_EVERY.toMillis() + 50);
            assertThat(monitor.trafficSeen(backfill)).isFalse();
            assertThat(monitor.sessions()).isZero();

            run(marked, "select 'now the application'");
            Thread.sleep(TrafficMonitor.SAMPLE_EVERY.toMillis() + 50);
            assertThat(monitor.trafficSeen(backfill)).isTrue();
        }
    }

    @Test
    void aRunningStatementIsTrafficHoweverLongItRuns() throws Exception {
        try (Connection backfill = connect(); Connection application = connect()) {
            Thread sleeper = new Thread(() -> {
                try {
                    run(application, "select pg_sleep(2)");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            sleeper.start();
            Thread.sleep(1_500); // the statement started long before the first look's window
            TrafficMonitor monitor = monitor();
            assertThat(monitor.trafficSeen(backfill)).isTrue();
            sleeper.join();
        }
    }

    @Test
    void disabledWithFullDutyCycleOrOffPostgres() throws Exception {
        try (Connection backfill = connect(); Connection application = connect()) {
            Thread sleeper = new Thread(() -> {
                try {
                    run(application, "select pg_sleep(1)");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            sleeper.start();
            Thread.sleep(300);
            assertThat(new TrafficMonitor(true, BackfillSettings.DEFAULTS.withTrafficYield(TrafficMonitor.DEFAULT_BATCH_TIME, 1))
                    .trafficSeen(backfill)).isFalse();
            assertThat(new TrafficMonitor(false, BackfillSettings.DEFAULTS).trafficSeen(backfill)).isFalse();
            assertThat(monitor().trafficSeen(backfill)).as("the same situation with yielding on").isTrue();
            sleeper.join();
        }
    }

    @Test
    void restKeepsTheShareOfTimeInBatches() {
        assertThat(TrafficMonitor.restMillis(10_000_000, 0.1)).isEqualTo(90);
        assertThat(TrafficMonitor.restMillis(10_000_000, 0.5)).isEqualTo(10);
        assertThat(TrafficMonitor.restMillis(10_000_000, 1)).isZero();
    }
}
