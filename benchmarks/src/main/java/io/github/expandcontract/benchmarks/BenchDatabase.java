package io.github.expandcontract.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.github.expandcontract.migration.MigrationCatalog;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * What every benchmark of this module shares: the server ({@code bench.url}, default
 * {@code jdbc:postgresql://127.0.0.1:5432/test}, {@code bench.user} {@code postgres},
 * {@code bench.password} empty), a database of its own for one run ({@code ec_bench_<random>},
 * dropped at the end even after a failure: the backfill yields to other sessions of its database,
 * so sessions of other programs must not be in it), the same physical starting point for every
 * variant, the machine description and small JDBC and statistics helpers.
 */
final class BenchDatabase {

    /** The body of a run, given the database of its own. */
    interface Run {
        void run() throws Exception;
    }

    /** One repetition of a benchmark's variants, numbered from 1, on the run's pool with its migrations. */
    interface Repetition<R> {
        R run(DataSource pool, MigrationCatalog catalog, int rep) throws Exception;
    }

    final String url = System.getProperty("bench.url", "jdbc:postgresql://127.0.0.1:5432/test");
    final String user = System.getProperty("bench.user", "postgres");
    final String password = System.getProperty("bench.password", "");
    final String database = "ec_bench_" + UUID.randomUUID().toString().substring(0, 8);
    /** {@code bench.url} with the database of this run in place of the one it names. */
    final String runUrl = url.replaceFirst("^(jdbc:postgresql://[^/]+/)[^?]*", "$1" + database);

    /** Creates the run's database, runs {@code body}, and drops the database whatever happened. */
    void around(Run body) throws Exception {
        long began = System.nanoTime();
        execute(url, "create database " + database);
        try {
            body.run();
        } finally {
            execute(url, "drop database if exists " + database + " with (force)");
            System.out.printf("%ndatabase %s dropped; whole run took %.0f s%n", database, (System.nanoTime() - began) / 1e9);
        }
    }

    Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(runUrl, user, password);
        c.setAutoCommit(true);
        return c;
    }

    void execute(String jdbcUrl, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            c.setAutoCommit(true);
            execute(c, statements);
        }
    }

    /** Date, CPU, memory, OS, Java, load average, PostgreSQL version and the server settings that matter for a bulk write. */
    Map<String, String> describeMachine() {
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("date", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        machine.put("cpu", Runtime.getRuntime().availableProcessors() + " x " + firstLine("/proc/cpuinfo", "model name"));
        machine.put("memory", firstLine("/proc/meminfo", "MemTotal"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put("load average at the start", loadAverage());
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            machine.put("postgresql", scalar(c, "select version()"));
            StringBuilder settings = new StringBuilder();
            try (ResultSet rs = s.executeQuery("select name, setting, unit from pg_settings where name in ('shared_buffers', "
                    + "'work_mem', 'maintenance_work_mem', 'effective_cache_size', 'max_wal_size', 'checkpoint_timeout', "
                    + "'synchronous_commit', 'fsync', 'full_page_writes', 'wal_compression', 'autovacuum', 'jit') order by name")) {
                while (rs.next()) {
                    settings.append(settings.isEmpty() ? "" : ", ").append(rs.getString(1)).append('=').append(rs.getString(2))
                            .append(rs.getString(3) == null ? "" : " (" + rs.getString(3) + ")");
                }
            }
            machine.put("postgresql settings", settings.toString());
            machine.put("shared_buffers", scalar(c, "show shared_buffers"));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach PostgreSQL at " + url + " as " + user + ": " + e.getMessage(), e);
        }
        machine.put("jdbc", runUrl + " (loopback), a database of its own");
        return machine;
    }

    // ------------------------------------------------------------------ helpers shared by the benchmarks

    /** The same physical starting point for every variant: compact heap, fresh statistics and visibility map, clean buffers. */
    static void prepare(Connection sql, String table) throws SQLException {
        execute(sql, "vacuum full " + table, "vacuum analyze " + table, "checkpoint");
    }

    /**
     * Creates {@code table (id bigint primary key, <columns>, payload varchar(200))} with ids 1..n, each row's
     * {@code columns} from {@code values} (SQL of the row number {@code g}) and 100 characters of md5 text as
     * payload, so rows are of a realistic width; then {@link #prepare}.
     */
    static void seed(Connection sql, String table, String columns, String values, long n) throws SQLException {
        long start = System.nanoTime();
        execute(sql,
                // autovacuum off for this table only, so no variant meets a vacuum the others did not
                "create table " + table + " (id bigint primary key, " + columns + ", payload varchar(200)) with (autovacuum_enabled = false)",
                "insert into " + table + " select g, " + values + ", rpad(md5(g::text), 100, md5((-g)::text)) from generate_series(1, " + n + ") g");
        prepare(sql, table);
        step("seeded %s with %,d rows in %.1f s", table, n, (System.nanoTime() - start) / 1e9);
    }

    /** "heap …, primary key …" of {@code table}, for the machine description. */
    static String sizes(Connection sql, String table) throws SQLException {
        return "heap " + scalar(sql, "select pg_size_pretty(pg_table_size('" + table + "'))") + ", primary key "
                + scalar(sql, "select pg_size_pretty(pg_indexes_size('" + table + "'))");
    }

    /**
     * The keyset loop a DBA would write, as a plpgsql {@code PROCEDURE name(batch_size int)}: per batch,
     * the highest id of the next {@code batch_size} ids, {@code update table set <assignment>} over that
     * window, then COMMIT. The baseline our backfill is compared with.
     */
    static void createKeysetProcedure(Connection sql, String name, String table, String assignment) throws SQLException {
        execute(sql, """
                create procedure %1$s(batch_size int) language plpgsql as $$
                declare
                  last_id bigint := 0;
                  upto bigint;
                begin
                  loop
                    select max(id) into upto from (select id from %2$s where id > last_id order by id limit batch_size) w;
                    exit when upto is null;
                    update %2$s set %3$s where id > last_id and id <= upto;
                    last_id := upto;
                    commit;
                  end loop;
                end $$""".formatted(name, table, assignment));
    }

    static String firstLine(String file, String prefix) {
        try {
            return Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith(prefix))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    static void step(String format, Object... args) {
        System.out.printf(Locale.ROOT, "%tT %s%n", System.currentTimeMillis(), String.format(format, args));
    }

    /** Seconds {@code statement} takes, timed around the call in Java. */
    static double timed(Connection sql, String statement) throws SQLException {
        long start = System.nanoTime();
        execute(sql, statement);
        return (System.nanoTime() - start) / 1e9;
    }

    static String scalar(Connection sql, String query) throws SQLException {
        try (Statement s = sql.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static void execute(Connection sql, String... statements) throws SQLException {
        try (Statement s = sql.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    /**
     * Runs {@code repetitions} times, one after the other, on one pool for the whole run (4 connections, as a
     * small application would have): a new pool's connections would look like application traffic to the
     * backfill (their connection set-up is a recent statement) and make it yield. {@code catalog} gets the
     * migrations, once, on that pool.
     */
    <R> List<R> repeat(int repetitions, Function<DataSource, MigrationCatalog> catalog, Repetition<R> repetition) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(runUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(4);
        config.setPoolName("bench");
        try (HikariDataSource pool = new HikariDataSource(config)) {
            MigrationCatalog migrations = catalog.apply(pool);
            List<R> results = new ArrayList<>();
            for (int rep = 1; rep <= repetitions; rep++) {
                step("=== repetition %d of %d (load average %s)", rep, repetitions, loadAverage());
                results.add(repetition.run(pool, migrations, rep));
            }
            return results;
        }
    }

    static <T> double median(List<T> items, ToDoubleFunction<T> f) {
        return median(items.stream().mapToDouble(f).toArray());
    }

    /** "median | min–max" of {@code f} over {@code items} (the repetitions), each printed with {@code format}. */
    static <T> String cells(List<T> items, ToDoubleFunction<T> f, String format) {
        return String.format(format + " | " + format + "–" + format, median(items, f), items.stream().mapToDouble(f).min().orElse(Double.NaN),
                items.stream().mapToDouble(f).max().orElse(Double.NaN));
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
