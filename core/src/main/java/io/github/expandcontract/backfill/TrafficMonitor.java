package io.github.expandcontract.backfill;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells the backfill whether the application is using the database right now, so that it can yield:
 * a full-speed copy takes a core and most of the WAL bandwidth, and the application's writes pay for
 * it in latency (docs/benchmarks.md). On an idle database the backfill runs at full speed.
 *
 * <p>PostgreSQL only. It looks at {@code pg_stat_activity} every {@link #SAMPLE_EVERY}: any other client
 * session of this database that is running a statement, or changed state since the previous look, is
 * traffic, unless it is a connection this JVM's backfills used lately (their last statement is often a
 * bare {@code COMMIT}), or its last statement was the library's own (state tables, or SQL marked with
 * {@link KeysetTable#SQL_MARKER}) or a pool's empty validation query, so standby instances polling the
 * lease do not count. Seen traffic keeps the backfill yielding for {@link #LINGER}, so sparse traffic
 * does not make it flap.
 * Sessions of other roles are visible only with {@code pg_read_all_stats}; without it they are not counted.
 */
final class TrafficMonitor {

    static final Duration DEFAULT_BATCH_TIME = Duration.ofMillis(10);
    static final double DEFAULT_DUTY_CYCLE = 0.1;
    static final Duration SAMPLE_EVERY = Duration.ofMillis(200);
    static final Duration LINGER = Duration.ofSeconds(5);

    private static final String SQL = KeysetTable.SQL_MARKER + "select clock_timestamp(), count(*), min(left(regexp_replace(query, '\\s+', ' ', 'g'), 80))"
            + " from pg_stat_activity"
            + " where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()"
            + " and pid <> all(?)"
            // the first look (no previous one) covers the last SAMPLE_EVERY, so a short backfill sees traffic too
            + " and (state = 'active' or state_change > coalesce(?, clock_timestamp() - interval '" + SAMPLE_EVERY.toMillis() + " milliseconds'))"
            // '' is the JDBC driver's isValid(): a pool checking a connection, not traffic
            + " and query <> '' and query not like '%expand\\_contract\\_%' and query not like '" + KeysetTable.SQL_MARKER.trim() + "%'";

    /** Backend pids of connections this JVM's backfills used, with when (nanoTime); shared, as jobs share the pool. */
    private static final Map<Integer, Long> OWN_SESSIONS = new ConcurrentHashMap<>();

    private final boolean postgres;
    private final boolean enabled;
    private long lastSample;
    /** When traffic was last seen; far enough back at the start that none counts as seen. */
    private long lastSeen = System.nanoTime() - LINGER.toNanos();
    /** The database's clock at the previous look; null before the first. */
    private OffsetDateTime since;
    private int sessions;
    private String example;

    TrafficMonitor(boolean postgres, BackfillSettings settings) {
        this.postgres = postgres;
        this.enabled = postgres && settings.trafficDutyCycle() < 1;
    }

    /**
     * Whether application traffic was seen within {@link #LINGER}; looks again when the last look is old
     * enough. The backfill calls it with the connection of each batch, which is recorded as its own
     * (also when this backfill does not yield, so that other backfills in this JVM do not count it).
     */
    boolean trafficSeen(Connection connection) throws SQLException {
        if (postgres) {
            usedByBackfill(connection);
        }
        if (!enabled) {
            return false;
        }
        long now = System.nanoTime();
        if (since == null || now - lastSample >= SAMPLE_EVERY.toNanos()) {
            // each look covers what changed since the previous one on the database's clock, so no short
            // statement falls in a gap; the first covers the SAMPLE_EVERY before it
            countActiveSessions(connection);
            lastSample = now;
            if (sessions > 0) {
                lastSeen = now;
            }
        }
        return now - lastSeen < LINGER.toNanos();
    }

    /** Application sessions counted at the last look. */
    int sessions() {
        return sessions;
    }

    /** The start of one counted session's last statement, for the log. */
    String example() {
        return example;
    }

    /** Records that a backfill uses this connection, so its statements do not count as traffic. */
    static void usedByBackfill(Connection connection) {
        Integer pid = backendPid(connection);
        if (pid != null) {
            OWN_SESSIONS.put(pid, System.nanoTime());
        }
    }

    private static Integer[] recentOwnSessions() {
        long now = System.nanoTime();
        OWN_SESSIONS.values().removeIf(usedAt -> now - usedAt > LINGER.toNanos());
        return OWN_SESSIONS.keySet().toArray(Integer[]::new);
    }

    /** pgjdbc knows its backend's pid without a round trip; other drivers are not PostgreSQL's. */
    private static Integer backendPid(Connection connection) {
        Class<?> pg = PgConnection.TYPE;
        if (pg == null) {
            return null;
        }
        try {
            if (connection.isWrapperFor(pg)) {
                return (Integer) pg.getMethod("getBackendPID").invoke(connection.unwrap(pg));
            }
        } catch (ReflectiveOperationException | SQLException | LinkageError e) {
            // not pgjdbc: nothing to record
        }
        return null;
    }

    /** pgjdbc's connection interface, looked up once; null without pgjdbc. */
    private static final class PgConnection {
        static final Class<?> TYPE = find();

        private static Class<?> find() {
            try {
                return Class.forName("org.postgresql.PGConnection", false, TrafficMonitor.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                return null;
            }
        }
    }

    private void countActiveSessions(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SQL)) {
            ps.setArray(1, connection.createArrayOf("int4", recentOwnSessions()));
            ps.setObject(2, since, Types.TIMESTAMP_WITH_TIMEZONE); // null at the first look
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                since = rs.getObject(1, OffsetDateTime.class);
                sessions = rs.getInt(2);
                example = rs.getString(3);
            }
        }
    }

    /**
     * How long to rest after a batch that took {@code batchNanos} so the backfill spends at most
     * {@code dutyCycle} of its time in batches.
     */
    static long restMillis(long batchNanos, double dutyCycle) {
        return dutyCycle >= 1 ? 0 : Math.round(batchNanos / 1e6 * (1 / dutyCycle - 1));
    }
}
