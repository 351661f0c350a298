package io.github.expandcontract.benchmarks;

import io.github.expandcontract.backfill.KeysetTable;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import java.util.Locale;

/**
 * Wraps a DataSource and records how long every JDBC call of the backfill thread takes (borrowing a
 * connection, each statement, each commit), so a run can be broken down batch by batch without
 * changing the engine. Only threads whose name starts with {@code expand-contract-backfill} are
 * recorded; the overhead is two {@code System.nanoTime()} calls per call, and it applies to our
 * backfill only, never to the baselines.
 */
final class StatementTimer {

    /** One timed call. {@code count} is the update count of a DML statement, else -1. */
    record Event(String kind, boolean verifying, long startNanos, long nanos, long count) {
        long endNanos() {
            return startNanos + nanos;
        }
    }

    private final String table;
    private final List<Event> events = new ArrayList<>();
    private volatile boolean verifying;

    StatementTimer(String table) {
        this.table = table.toLowerCase(Locale.ROOT);
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    private static boolean recorded() {
        return Thread.currentThread().getName().startsWith("expand-contract-backfill");
    }

    private synchronized void record(String kind, long start, long nanos, long count) {
        if ("complete".equals(kind)) {
            verifying = true; // the job verifies on the same thread right after marking the backfill COMPLETED
        }
        events.add(new Event(kind, verifying && !"complete".equals(kind), start, nanos, count));
    }

    String classify(String sql) {
        if (sql == null) {
            return "other";
        }
        String s = sql.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith(KeysetTable.SQL_MARKER)) {
            s = s.substring(KeysetTable.SQL_MARKER.length());
        }
        if (s.contains(" from pg_stat_activity")) {
            return "traffic";
        }
        if (s.startsWith("update expand_contract_backfill set lease_owner = null")) {
            return "release";
        }
        if (s.startsWith("update expand_contract_backfill set lease_owner")) {
            return "lease";
        }
        if (s.startsWith("update expand_contract_backfill set last_key")) {
            return "checkpoint";
        }
        if (s.startsWith("update expand_contract_backfill") && s.contains("rows_total = rows_processed")) {
            return "complete";
        }
        if (s.startsWith("update expand_contract_backfill set status = ?, last_error = null")) {
            return "mark_running";
        }
        if (s.startsWith("select status, pause_requested")) {
            return "state";
        }
        if (s.startsWith("set local lock_timeout")) {
            return "lock_timeout";
        }
        if (s.startsWith("select max(")) {
            return "window";
        }
        if (s.startsWith("update " + table + " ")) {
            return "copy";
        }
        if (s.startsWith("select ") && !s.startsWith("select count(") && s.contains(" from " + table + " where")) {
            return "read"; // the Java converter path reads its window (and the Java verification its rows)
        }
        if (s.startsWith("select count(*) from " + table + " where")) {
            return "verify_count";
        }
        if (s.startsWith("select reltuples") || s.equals("select count(*) from " + table)) {
            return "estimate";
        }
        return "other";
    }

    DataSource wrap(DataSource target) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        long start = System.nanoTime();
                        Connection c = (Connection) invoke(target, method, args);
                        if (recorded()) {
                            record("borrow", start, System.nanoTime() - start, -1);
                        }
                        return connection(c);
                    }
                    return invoke(target, method, args);
                });
    }

    private Connection connection(Connection target) {
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if ((name.equals("prepareStatement") || name.equals("createStatement")) && recorded()) {
                Statement statement = (Statement) invoke(target, method, args);
                String sql = name.equals("prepareStatement") ? (String) args[0] : null;
                return statement(statement, sql, name.equals("prepareStatement") ? PreparedStatement.class : Statement.class);
            }
            if ((name.equals("commit") || name.equals("rollback") || name.equals("close")) && recorded()) {
                long start = System.nanoTime();
                Object result = invoke(target, method, args);
                record(name.equals("close") ? "return" : name, start, System.nanoTime() - start, -1);
                return result;
            }
            return invoke(target, method, args);
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
    }

    private Statement statement(Statement target, String preparedSql, Class<? extends Statement> type) {
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if (name.startsWith("execute")) {
                String sql = preparedSql != null ? preparedSql : (args != null && args.length > 0 ? (String) args[0] : null);
                long start = System.nanoTime();
                Object result = invoke(target, method, args);
                long nanos = System.nanoTime() - start;
                long count = -1;
                if (result instanceof Integer n) {
                    count = n;
                } else if (result instanceof Long n) {
                    count = n;
                } else if (result instanceof int[] counts) {
                    count = 0;
                    for (int n : counts) {
                        count += Math.max(n, 0);
                    }
                }
                record(classify(sql), start, nanos, count);
                return result;
            }
            return invoke(target, method, args);
        };
        return (Statement) Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[] {type}, handler);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
