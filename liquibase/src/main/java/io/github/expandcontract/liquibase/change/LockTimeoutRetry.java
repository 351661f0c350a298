package io.github.expandcontract.liquibase.change;

import liquibase.Scope;
import liquibase.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one DDL statement in a transaction of its own under {@code SET LOCAL lock_timeout}, and
 * retries it with a growing pause when PostgreSQL gives up waiting for the lock (SQLState 55P03).
 * <p>
 * The point is the lock queue: a statement waiting for an ACCESS EXCLUSIVE lock makes every
 * writer that comes after it wait too. With the timeout, that wait ends after {@code lockTimeout}
 * whatever the blocker does; between attempts the writers go through.
 */
final class LockTimeoutRetry {

    static final String LOCK_NOT_AVAILABLE = "55P03";

    private static final Duration FIRST_PAUSE = Duration.ofMillis(500);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(10);

    private final Connection connection;
    private final String change;
    private final String tableRef;
    private final Duration lockTimeout;
    private final int maxAttempts;
    private final Logger log = Scope.getCurrentScope().getLog(LockTimeoutRetry.class);

    /**
     * @param change   what runs, for messages: e.g. {@code addNotNullConstraintOnline on public.t.c}
     * @param tableRef the table as SQL, to name the sessions holding locks on it when giving up
     */
    LockTimeoutRetry(Connection connection, String change, String tableRef, Duration lockTimeout, int maxAttempts) {
        this.connection = connection;
        this.change = change;
        this.tableRef = tableRef;
        this.lockTimeout = lockTimeout;
        this.maxAttempts = maxAttempts;
    }

    /** The pause after the given failed attempt: 0.5 s, 1 s, 2 s, ... at most 10 s. */
    static Duration pauseAfter(int attempt) {
        long millis = FIRST_PAUSE.toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(millis, MAX_PAUSE.toMillis()));
    }

    /**
     * @throws LockNotAvailableException when every attempt timed out
     * @throws SQLException              any other failure of the statement, as PostgreSQL reported it
     */
    void run(String step, String sql) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            long started = System.nanoTime();
            try {
                inOwnTransaction(sql);
                log.info(change + ": " + step + " done in " + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms"
                        + (attempt > 1 ? " (attempt " + attempt + ")" : ""));
                return;
            } catch (SQLException e) {
                if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                    throw e;
                }
                if (attempt >= maxAttempts) {
                    throw new LockNotAvailableException(change + ": step '" + step + "' did not get its lock within lock_timeout "
                            + lockTimeout.toMillis() + "ms in " + maxAttempts + " attempts. " + holders()
                            + "Re-run the changeset once they have finished (it resumes where it stopped), or raise lockTimeout "
                            + "or maxAttempts.", e);
                }
                Duration pause = pauseAfter(attempt);
                log.warning(change + ": step '" + step + "' did not get its lock within lock_timeout " + lockTimeout.toMillis()
                        + "ms (attempt " + attempt + " of " + maxAttempts + "); retrying in " + pause.toMillis() + " ms");
                sleep(pause);
            }
        }
    }

    private void inOwnTransaction(String sql) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LOCAL lock_timeout = '" + lockTimeout.toMillis() + "ms'");
            statement.execute(sql);
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** The other sessions holding a lock on the table, best effort. */
    private String holders() {
        List<String> holders = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("select distinct a.pid, a.state, a.xact_start, left(a.query, 120) "
                + "from pg_locks l join pg_stat_activity a on a.pid = l.pid "
                + "where l.relation = to_regclass(?) and l.granted and l.pid <> pg_backend_pid() order by a.pid")) {
            ps.setString(1, tableRef);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    holders.add("pid " + rs.getInt(1) + " (" + rs.getString(2) + ", transaction started " + rs.getTimestamp(3)
                            + ", last query: " + rs.getString(4) + ")");
                }
            }
        } catch (SQLException e) {
            return "";
        }
        return holders.isEmpty() ? "" : "Sessions holding locks on " + tableRef + ": " + String.join("; ", holders) + ". ";
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to retry", e);
        }
    }

    /** Every attempt of a step timed out waiting for its lock. */
    static final class LockNotAvailableException extends SQLException {
        LockNotAvailableException(String message, SQLException last) {
            super(message, LOCK_NOT_AVAILABLE, last);
        }
    }
}
