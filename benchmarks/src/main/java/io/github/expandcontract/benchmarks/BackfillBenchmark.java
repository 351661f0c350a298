package io.github.expandcontract.benchmarks;

import io.github.expandcontract.DualWrite;
import io.github.expandcontract.backfill.BackfillSettings;
import io.github.expandcontract.migration.MigrationCatalog;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import static io.github.expandcontract.benchmarks.BenchDatabase.cells;
import static io.github.expandcontract.benchmarks.BenchDatabase.execute;
import static io.github.expandcontract.benchmarks.BenchDatabase.loadAverage;
import static io.github.expandcontract.benchmarks.BenchDatabase.median;
import static io.github.expandcontract.benchmarks.BenchDatabase.prepare;
import static io.github.expandcontract.benchmarks.BenchDatabase.scalar;
import static io.github.expandcontract.benchmarks.BenchDatabase.step;
import static io.github.expandcontract.benchmarks.BenchDatabase.timed;

/**
 * Measures, in one run against one PostgreSQL, how fast the backfill copies a column compared with
 * the two things a DBA would do by hand, and what it does to an application's write latency:
 * <ol>
 *   <li>(a) one {@code UPDATE t SET new = old} (upper bound; locks every row until it ends),</li>
 *   <li>(b) a hand-written keyset loop in a plpgsql procedure, 10,000 rows per batch, COMMIT each,</li>
 *   <li>(c) our backfill with {@link BackfillSettings#DEFAULTS}, until COMPLETED (its verification timed apart),</li>
 *   <li>(d) our backfill while 4 threads run single-row updates; their latency alone vs during.</li>
 * </ol>
 * Plus the rate on the first 100k rows vs the whole table, and on a separate 100k-row table.
 * Every variant starts from the same physical table: new column NULL, VACUUM FULL, VACUUM ANALYZE,
 * CHECKPOINT. Everything happens in a database of its own, dropped at the end: the backfill yields to
 * other sessions of its database, so sessions of other programs on the same server must not be in it.
 * <p>
 * Run: {@code ./mvnw -B -q -pl benchmarks compile exec:java} (see docs/benchmarks.md). Settings are
 * system properties: {@code bench.url} (default {@code jdbc:postgresql://127.0.0.1:5432/test}),
 * {@code bench.user} ({@code postgres}), {@code bench.password} (empty), {@code bench.rows}
 * (1,000,000), {@code bench.smallRows} (100,000), {@code bench.repeats} (5),
 * {@code bench.loadThreads} (4), {@code bench.loadRatePerThread} (100 updates/s),
 * {@code bench.idleSeconds} (15), {@code bench.maxLoadSeconds} (300), {@code bench.verbose}
 * (every run's batch table), {@code bench.settings} (overrides of the backfill's DEFAULTS, e.g.
 * {@code maxBatchSize=10000,targetBatchTimeMs=100}; keys batchSize, minBatchSize, maxBatchSize,
 * targetBatchTimeMs, maxRowsPerSecond, pauseMs) and {@code bench.alt} (a second set of overrides
 * run side by side as (c') and (d')). Diagnostic only: {@code bench.loadSynchronousCommit=off} runs
 * the load's updates without waiting for their WAL flush.
 */
public final class BackfillBenchmark {

    @Entity(name = "BenchRow")
    @Table(name = "bench_t")
    public static class BenchRow {
        @Id Long id;
        @Column(name = "old_value") String oldValue;
        @Column(name = "new_value") @DualWrite(migration = "bench-1m", from = "oldValue") String newValue;
        @Column(name = "payload") String payload;
    }

    @Entity(name = "BenchSmallRow")
    @Table(name = "bench_small")
    public static class BenchSmallRow {
        @Id Long id;
        @Column(name = "old_value") String oldValue;
        @Column(name = "new_value") @DualWrite(migration = "bench-100k", from = "oldValue") String newValue;
        @Column(name = "payload") String payload;
    }

    private static final String BIG = "bench_t";
    private static final String SMALL = "bench_small";
    static final int FLAT_ROWS = 100_000;

    private final BenchDatabase db = new BenchDatabase();
    private final long rows = Long.getLong("bench.rows", 1_000_000);
    private final long smallRows = Long.getLong("bench.smallRows", FLAT_ROWS);
    private final int loadThreads = Integer.getInteger("bench.loadThreads", 4);
    private final double loadRate = Double.parseDouble(System.getProperty("bench.loadRatePerThread", "100"));
    private final int idleSeconds = Integer.getInteger("bench.idleSeconds", 15);
    private final int maxLoadSeconds = Integer.getInteger("bench.maxLoadSeconds", 300);
    private final int repeats = Integer.getInteger("bench.repeats", 5);
    private final boolean verbose = Boolean.getBoolean("bench.verbose");
    private final List<Config> configs = configs();
    private final Map<String, String> machine = new LinkedHashMap<>();

    public static void main(String[] args) throws Exception {
        new BackfillBenchmark().run();
    }

    private void run() throws Exception {
        describeMachine();
        db.around(this::measure);
    }

    // ------------------------------------------------------------------ the run

    /**
     * Settings our backfill runs with: {@code (c)} is {@code bench.settings} (default: the engine's
     * DEFAULTS); {@code bench.alt}, when given, adds {@code (c')}: the same variants with other
     * settings, interleaved in the same repetitions, so a before/after meets the same machine.
     */
    record Config(String name, String label, BackfillSettings settings) {
    }

    private static List<Config> configs() {
        List<Config> configs = new ArrayList<>();
        String main = System.getProperty("bench.settings", "");
        configs.add(new Config("c", main.isBlank() ? "BackfillSettings.DEFAULTS" : "DEFAULTS with " + main, settings(main)));
        String alt = System.getProperty("bench.alt", "");
        if (!alt.isBlank()) {
            configs.add(new Config("c'", "DEFAULTS with " + alt, settings(alt)));
        }
        return configs;
    }

    /** What one configuration did in one repetition: (c), (d) with the load's updates, and the 100k-row table. */
    record Runs(BackfillRun c, BackfillRun d, List<LoadGenerator.Sample> busy, int busyErrors, BackfillRun small) {
        LoadGenerator.Result busyResult() {
            return LoadGenerator.result(busy, busyErrors, d.copySeconds());
        }
    }

    /** One repetition of every variant. */
    record Rep(String loadAverage, double a, double b, LoadGenerator.Result idle, Map<String, Runs> runs) {
    }

    private void measure() throws Exception {
        try (Connection sql = db.connect()) {
            seed(sql, BIG, rows);
            seed(sql, SMALL, smallRows);
            machine.put("table", String.format("%s: %,d rows (id bigint primary key, old_value/new_value varchar(100), payload 100 chars), %s",
                    BIG, rows, BenchDatabase.sizes(sql, BIG)));
            BenchDatabase.createKeysetProcedure(sql, "bench_keyset_backfill", BIG, "new_value = old_value");

            List<Rep> reps = db.repeat(repeats,
                    pool -> BackfillRun.catalog(pool, List.of("bench-1m", "bench-100k"), BenchRow.class, BenchSmallRow.class),
                    (pool, catalog, rep) -> repetition(sql, pool, catalog, rep));
            machine.put("load average at the end", loadAverage());
            report(reps);
        }
    }

    private Rep repetition(Connection sql, DataSource pool, MigrationCatalog catalog, int rep) throws Exception {
        String loadAverage = loadAverage();
        // with two configurations, their order alternates between repetitions
        List<Config> order = new ArrayList<>(configs);
        if (rep % 2 == 0) {
            java.util.Collections.reverse(order);
        }

        step("(a) single UPDATE %s SET new_value = old_value", BIG);
        double a = timed(sql, "update " + BIG + " set new_value = old_value");
        check(sql, BIG);
        step("(a) %.2f s, %,.0f rows/s", a, rows / a);
        reset(sql, BIG);

        step("(b) plpgsql keyset loop, 10,000-row batches, COMMIT per batch");
        double b = timed(sql, "call bench_keyset_backfill(10000)");
        check(sql, BIG);
        step("(b) %.2f s, %,.0f rows/s", b, rows / b);
        reset(sql, BIG);

        Map<String, BackfillRun> c = new LinkedHashMap<>();
        for (Config config : order) {
            step("(%s) expand-contract backfill, %s", config.name(), config.label());
            BackfillRun run = BackfillRun.run(sql, pool, catalog, "bench-1m", BIG, config.settings(), null);
            check(sql, BIG);
            run.print(verbose || rep == 1);
            c.put(config.name(), run);
            reset(sql, BIG);
        }

        step("load alone: %d threads x %.0f updates/s for %d s", loadThreads, loadRate, idleSeconds);
        LoadGenerator idle = new LoadGenerator(db.runUrl, db.user, db.password, BIG, rows, loadThreads, loadRate,
                Duration.ofSeconds(idleSeconds + 5), (int) (loadRate * (idleSeconds + 5)) + 10);
        idle.start();
        Thread.sleep(1_000); // connections warm, statements server-prepared
        long idleFrom = System.nanoTime();
        Thread.sleep(idleSeconds * 1_000L);
        long idleTo = System.nanoTime();
        idle.stop();
        LoadGenerator.Result idleLoad = LoadGenerator.result(idle.samples(idleFrom, idleTo), idle.errors(), (idleTo - idleFrom) / 1e9);
        printLoad("load alone", idleLoad);
        execute(sql, "checkpoint"); // the backfill under load starts after a checkpoint, as (c) did

        Map<String, Runs> runs = new LinkedHashMap<>();
        Map<String, Object[]> d = new LinkedHashMap<>();
        for (Config config : order) {
            step("(%s) under load: expand-contract backfill while the same load runs", config.name().equals("c") ? "d" : "d'");
            LoadGenerator busy = new LoadGenerator(db.runUrl, db.user, db.password, BIG, rows, loadThreads, loadRate,
                    Duration.ofSeconds(maxLoadSeconds), (int) (loadRate * maxLoadSeconds) + 10);
            busy.start();
            Thread.sleep(1_000);
            BackfillRun run = BackfillRun.run(sql, pool, catalog, "bench-1m", BIG, config.settings(), () -> {
                try {
                    busy.stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            List<LoadGenerator.Sample> samples = busy.samples(run.startNanos(), run.completeNanos());
            check(sql, BIG);
            run.print(verbose);
            printLoad("load during the backfill", LoadGenerator.result(samples, busy.errors(), run.copySeconds()));
            d.put(config.name(), new Object[] {run, samples, busy.errors()});
            reset(sql, BIG);
        }

        Map<String, BackfillRun> small = new LinkedHashMap<>();
        for (Config config : order) {
            step("flatness (%s): expand-contract backfill of a separate %,d-row table", config.name(), smallRows);
            BackfillRun run = BackfillRun.run(sql, pool, catalog, "bench-100k", SMALL, config.settings(), null);
            check(sql, SMALL);
            run.print(verbose);
            small.put(config.name(), run);
            reset(sql, SMALL);
        }
        for (Config config : configs) {
            Object[] dd = d.get(config.name());
            @SuppressWarnings("unchecked")
            List<LoadGenerator.Sample> samples = (List<LoadGenerator.Sample>) dd[1];
            runs.put(config.name(), new Runs(c.get(config.name()), (BackfillRun) dd[0], samples, (Integer) dd[2], small.get(config.name())));
        }
        return new Rep(loadAverage, a, b, idleLoad, runs);
    }

    // ------------------------------------------------------------------ setup

    private static void seed(Connection sql, String table, long n) throws SQLException {
        BenchDatabase.seed(sql, table, "old_value varchar(100), new_value varchar(100)", "'user' || g || '@example.com', null", n);
    }

    private void reset(Connection sql, String table) throws SQLException {
        long start = System.nanoTime();
        execute(sql, "update " + table + " set new_value = null");
        prepare(sql, table);
        step("reset %s: new_value NULL, VACUUM FULL, VACUUM ANALYZE, CHECKPOINT (%.1f s)", table, (System.nanoTime() - start) / 1e9);
    }

    private static BackfillSettings settings(String overrides) {
        BackfillSettings d = BackfillSettings.DEFAULTS;
        Map<String, String> o = new LinkedHashMap<>();
        for (String pair : overrides.split(",")) {
            if (!pair.isBlank()) {
                String[] kv = pair.split("=", 2);
                o.put(kv[0].trim(), kv[1].trim());
            }
        }
        BackfillSettings s = new BackfillSettings(
                Integer.parseInt(o.getOrDefault("batchSize", String.valueOf(d.batchSize()))),
                Integer.parseInt(o.getOrDefault("minBatchSize", String.valueOf(d.minBatchSize()))),
                Integer.parseInt(o.getOrDefault("maxBatchSize", String.valueOf(d.maxBatchSize()))),
                Duration.ofMillis(Long.parseLong(o.getOrDefault("targetBatchTimeMs", String.valueOf(d.targetBatchTime().toMillis())))),
                Double.parseDouble(o.getOrDefault("maxRowsPerSecond", String.valueOf(d.maxRowsPerSecond()))),
                Duration.ofMillis(Long.parseLong(o.getOrDefault("pauseMs", String.valueOf(d.pauseBetweenBatches().toMillis())))),
                d.lockTimeout(), d.leaseDuration(), d.progressLogInterval(),
                Duration.ofMillis(Long.parseLong(o.getOrDefault("trafficBatchTimeMs", String.valueOf(d.trafficBatchTime().toMillis())))),
                Double.parseDouble(o.getOrDefault("trafficDutyCycle", String.valueOf(d.trafficDutyCycle()))));
        o.keySet().removeAll(List.of("batchSize", "minBatchSize", "maxBatchSize", "targetBatchTimeMs", "maxRowsPerSecond", "pauseMs",
                "trafficBatchTimeMs", "trafficDutyCycle"));
        if (!o.isEmpty()) {
            throw new IllegalArgumentException("bench.settings: unknown keys " + o.keySet());
        }
        return s;
    }

    // ------------------------------------------------------------------ report

    private void printLoad(String label, LoadGenerator.Result r) {
        System.out.printf("  %s: %,d updates in %.1f s (%.0f/s), p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.1f ms, >100 ms: %d, errors %d%n",
                label, r.count(), r.seconds(), r.opsPerSecond(), r.percentileMillis(0.50), r.percentileMillis(0.99),
                r.percentileMillis(0.999), r.maxMillis(), r.countOver(100), r.errors());
    }

    private static String dName(Config config) {
        return config.name().equals("c") ? "d" : "d'";
    }

    private void report(List<Rep> reps) {
        ToDoubleFunction<Rep> rateA = r -> rows / r.a();
        ToDoubleFunction<Rep> rateB = r -> rows / r.b();
        double mA = median(reps, rateA);
        double mB = median(reps, rateB);

        System.out.println();
        System.out.println("## Machine");
        System.out.println();
        machine.forEach((k, v) -> System.out.printf("- %s: %s%n", k, v));
        for (Config config : configs) {
            System.out.printf("- our backfill (%s): %s = %s%n", config.name(), config.label(), config.settings());
        }
        System.out.printf("- repetitions: %d, each: (a), (b), %s, load alone, %s, the %,d-row table%s; medians, range = min–max%n",
                repeats, configs.stream().map(c -> "(" + c.name() + ")").collect(java.util.stream.Collectors.joining(", ")),
                configs.stream().map(c -> "(" + dName(c) + ")").collect(java.util.stream.Collectors.joining(", ")), smallRows,
                configs.size() > 1 ? " ((c) and (c') swap order every other repetition)" : "");
        System.out.println();

        System.out.println("## Per repetition (rows/s; load p99 in ms)");
        System.out.println();
        StringBuilder head = new StringBuilder("| rep | load avg | (a) | (b) |");
        StringBuilder rule = new StringBuilder("|---:|---|---:|---:|");
        for (Config config : configs) {
            head.append(String.format(" (%s) | (%s)/(b) | (%s) | p99 alone | p99 during (%s) |", config.name(), config.name(), dName(config), dName(config)));
            rule.append("---:|---:|---:|---:|---:|");
        }
        System.out.println(head);
        System.out.println(rule);
        for (int i = 0; i < reps.size(); i++) {
            Rep r = reps.get(i);
            StringBuilder line = new StringBuilder(String.format("| %d | %s | %,.0f | %,.0f |", i + 1,
                    r.loadAverage().split(" ")[0], rateA.applyAsDouble(r), rateB.applyAsDouble(r)));
            for (Config config : configs) {
                Runs runs = r.runs().get(config.name());
                line.append(String.format(" %,.0f | %.2f | %,.0f | %.2f | %.2f |", runs.c().rate(), runs.c().rate() / rateB.applyAsDouble(r),
                        runs.d().rate(), r.idle().percentileMillis(0.99), runs.busyResult().percentileMillis(0.99)));
            }
            System.out.println(line);
        }
        System.out.println();

        System.out.printf("## Copy rate, %,d rows%n%n", rows);
        System.out.println("| variant | rows/s (median) | range | vs (b) | vs (a) |");
        System.out.println("|---|---:|---:|---:|---:|");
        System.out.printf("| (a) single `UPDATE t SET new = old` (locks every row until it ends) | %s | %.2f | 1.00 |%n", cells(reps, rateA, "%,.0f"), mA / mB);
        System.out.printf("| (b) plpgsql keyset loop, 10,000 rows/batch, COMMIT each | %s | 1.00 | %.2f |%n", cells(reps, rateB, "%,.0f"), mB / mA);
        for (Config config : configs) {
            String n = config.name();
            ToDoubleFunction<Rep> c = r -> r.runs().get(n).c().rate();
            ToDoubleFunction<Rep> d = r -> r.runs().get(n).d().rate();
            ToDoubleFunction<Rep> v = r -> r.runs().get(n).c().verification().rowsChecked() / r.runs().get(n).c().verifySeconds();
            System.out.printf("| (%s) expand-contract backfill, %s: copy until COMPLETED | %s | **%.2f** | %.2f |%n", n, config.label(),
                    cells(reps, c, "%,.0f"), median(reps, c) / mB, median(reps, c) / mA);
            System.out.printf("| (%s) its verification, timed apart (not in the copy rate) | %s | | |%n", n, cells(reps, v, "%,.0f"));
            System.out.printf("| (%s) the same backfill under the write load | %s | %.2f | %.2f |%n", dName(config), cells(reps, d, "%,.0f"),
                    median(reps, d) / mB, median(reps, d) / mA);
        }
        for (Config config : configs) {
            String n = config.name();
            System.out.printf("%n(%s): median of the per-repetition ratios (%s)/(b) %.2f, (%s)/(a) %.2f; median copy time %.2f s, "
                            + "verification %.2f s%n", n, n, median(reps, r -> r.runs().get(n).c().rate() / rateB.applyAsDouble(r)), n,
                    median(reps, r -> r.runs().get(n).c().rate() / rateA.applyAsDouble(r)),
                    median(reps, r -> r.runs().get(n).c().copySeconds()), median(reps, r -> r.runs().get(n).c().verifySeconds()));
        }
        System.out.println();

        System.out.println("## Rate flatness");
        System.out.println();
        System.out.println("| measure | rows/s (median) | range | vs the whole 1M run |");
        System.out.println("|---|---:|---:|---:|");
        for (Config config : configs) {
            String n = config.name();
            ToDoubleFunction<Rep> c = r -> r.runs().get(n).c().rate();
            ToDoubleFunction<Rep> first = r -> r.runs().get(n).c().firstRowsRate(FLAT_ROWS);
            ToDoubleFunction<Rep> small = r -> r.runs().get(n).small().rate();
            System.out.printf("| (%s) first %,d rows of the %,d-row run, incl. start-up | %s | **%.2f** |%n", n, FLAT_ROWS, rows,
                    cells(reps, first, "%,.0f"), median(reps, first) / median(reps, c));
            System.out.printf("| (%s) separate %,d-row table, whole run | %s | **%.2f** |%n", n, smallRows, cells(reps, small, "%,.0f"),
                    median(reps, small) / median(reps, c));
            System.out.printf("| (%s) whole %,d-row run | %s | 1.00 |%n", n, rows, cells(reps, c, "%,.0f"));
        }
        System.out.println();

        System.out.println("## Batches of (c) (median over the batches of every repetition's (c) run)");
        System.out.println();
        System.out.println("| settings | batches | rows/batch at the end | ms/batch at the end | of which copy UPDATE | window SELECT | "
                + "commit | the rest (lease, state, lock_timeout, checkpoint) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Config config : configs) {
            List<BackfillRun.Batch> all = new ArrayList<>();
            List<Double> counts = new ArrayList<>();
            for (Rep r : reps) {
                List<BackfillRun.Batch> batches = r.runs().get(config.name()).c().batches();
                counts.add((double) batches.size());
                all.addAll(batches.subList(batches.size() / 2, batches.size() - 1)); // the second half: past the ramp-up, not the short last one
            }
            ToDoubleFunction<BackfillRun.Batch> rest = x -> x.nanos("lease") + x.nanos("state") + x.nanos("lock_timeout") + x.nanos("borrow")
                    + x.nanos("checkpoint") + x.nanos("return") + x.nanos("other");
            System.out.printf("| (%s) %s | %.0f | %,.0f | %.1f | %.1f | %.1f | %.1f | %.1f |%n", config.name(), config.label(),
                    median(counts.stream().mapToDouble(Double::doubleValue).toArray()),
                    median(all.stream().mapToDouble(BackfillRun.Batch::rows).toArray()),
                    median(all.stream().mapToDouble(x -> (x.endNanos() - x.startNanos()) / 1e6).toArray()),
                    median(all.stream().mapToDouble(x -> x.nanos("copy") / 1e6).toArray()),
                    median(all.stream().mapToDouble(x -> x.nanos("window") / 1e6).toArray()),
                    median(all.stream().mapToDouble(x -> x.nanos("commit") / 1e6).toArray()),
                    median(all.stream().mapToDouble(x -> rest.applyAsDouble(x) / 1e6).toArray()));
        }
        System.out.println();

        // the load: every repetition's samples pooled; the updates during (d) split by whether they met a batch's window
        List<LoadGenerator.Sample> idleAll = new ArrayList<>();
        double idleSeconds = 0;
        int idleErrors = 0;
        for (Rep r : reps) {
            for (long n : r.idle().sortedNanos()) {
                idleAll.add(new LoadGenerator.Sample(0, n, 0));
            }
            idleSeconds += r.idle().seconds();
            idleErrors += r.idle().errors();
        }
        LoadGenerator.Result idle = LoadGenerator.result(idleAll, idleErrors, idleSeconds);
        Map<String, Double> p99Ratios = new LinkedHashMap<>();
        System.out.printf("## Write latency of the load (%d threads x %.0f single-row updates/s on random ids, autocommit; all repetitions pooled)%n%n",
                loadThreads, loadRate);
        System.out.println("| when | updates | updates/s | p50 (ms) | p99 (ms) | p99.9 (ms) | max (ms) | > 100 ms | errors |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        printLatencyRow("load alone", idle);
        for (Config config : configs) {
            List<LoadGenerator.Sample> busyAll = new ArrayList<>();
            List<LoadGenerator.Sample> met = new ArrayList<>();
            List<LoadGenerator.Sample> notMet = new ArrayList<>();
            double busySeconds = 0;
            int busyErrors = 0;
            for (Rep r : reps) {
                Runs runs = r.runs().get(config.name());
                busySeconds += runs.d().copySeconds();
                busyErrors += runs.busyErrors();
                List<BackfillRun.Batch> batches = runs.d().batches();
                for (LoadGenerator.Sample sample : runs.busy()) {
                    busyAll.add(sample);
                    (BackfillRun.metBatch(batches, sample.id(), sample.startNanos(), sample.startNanos() + sample.nanos()) ? met : notMet)
                            .add(sample);
                }
            }
            LoadGenerator.Result busy = LoadGenerator.result(busyAll, busyErrors, busySeconds);
            String d = dName(config);
            printLatencyRow("during (" + d + "), " + config.label(), busy);
            printLatencyRow("  (" + d + ") updates of a row in the batch being copied", LoadGenerator.result(met, 0, busySeconds));
            printLatencyRow("  (" + d + ") updates of any other row", LoadGenerator.result(notMet, 0, busySeconds));
            double ratio = busy.percentileMillis(0.99) / idle.percentileMillis(0.99);
            p99Ratios.put(config.name(), ratio);
            System.out.printf("| (%s) ratio during / alone, pooled | | | %.2f | **%.2f** | %.2f | | | |%n", d,
                    busy.percentileMillis(0.5) / idle.percentileMillis(0.5), ratio, busy.percentileMillis(0.999) / idle.percentileMillis(0.999));
            // a single noisy "alone" window inflates the pooled idle p99; the per-repetition ratios show it
            double[] perRep = reps.stream().mapToDouble(r -> r.runs().get(config.name()).busyResult().percentileMillis(0.99)
                    / r.idle().percentileMillis(0.99)).toArray();
            p99Ratios.put(config.name() + "/rep", median(perRep));
            System.out.printf("| (%s) ratio during / alone, median of the repetitions (each: %s) | | | %.2f | **%.2f** | | | | |%n", d,
                    java.util.Arrays.stream(perRep).mapToObj(x -> String.format("%.1f", x)).collect(java.util.stream.Collectors.joining(", ")),
                    median(reps.stream().mapToDouble(r -> r.runs().get(config.name()).busyResult().percentileMillis(0.5)
                            / r.idle().percentileMillis(0.5)).toArray()), median(perRep));
        }
        System.out.println();

        System.out.println("## Targets");
        System.out.println();
        System.out.println("| target | settings | measured | |");
        System.out.println("|---|---|---:|---|");
        for (Config config : configs) {
            String n = config.name();
            double mC = median(reps, r -> r.runs().get(n).c().rate());
            double flatFirst = median(reps, r -> r.runs().get(n).c().firstRowsRate(FLAT_ROWS)) / mC;
            double flatSmall = median(reps, r -> r.runs().get(n).small().rate()) / mC;
            System.out.printf("| (c) >= 0.8 x (b) | (%s) | %.2f | %s |%n", n, mC / mB, mC / mB >= 0.8 ? "met" : "MISSED");
            System.out.printf("| rate flat within ±20%%: first 100k vs whole 1M | (%s) | %.2f | %s |%n", n, flatFirst,
                    Math.abs(flatFirst - 1) <= 0.2 ? "met" : "MISSED");
            System.out.printf("| rate flat within ±20%%: 100k table vs whole 1M | (%s) | %.2f | %s |%n", n, flatSmall,
                    Math.abs(flatSmall - 1) <= 0.2 ? "met" : "MISSED");
            System.out.printf("| (d) load p99 <= 2 x its p99 alone, pooled | (%s) | %.2f | %s |%n", dName(config), p99Ratios.get(n),
                    p99Ratios.get(n) <= 2 ? "met" : "MISSED");
            System.out.printf("| (d) load p99 <= 2 x its p99 alone, median per repetition | (%s) | %.2f | %s |%n", dName(config),
                    p99Ratios.get(n + "/rep"), p99Ratios.get(n + "/rep") <= 2 ? "met" : "MISSED");
        }
    }

    private static void printLatencyRow(String label, LoadGenerator.Result r) {
        System.out.printf("| %s | %,d | %.0f | %.2f | %.2f | %.2f | %.1f | %d | %d |%n", label, r.count(), r.opsPerSecond(),
                r.percentileMillis(0.5), r.percentileMillis(0.99), r.percentileMillis(0.999), r.maxMillis(), r.countOver(100), r.errors());
    }

    // ------------------------------------------------------------------ helpers

    private void describeMachine() {
        machine.putAll(db.describeMachine());
        if (System.getProperty("bench.loadSynchronousCommit") != null) {
            machine.put("DIAGNOSTIC", "the load runs with synchronous_commit = " + System.getProperty("bench.loadSynchronousCommit"));
        }
        System.out.println("# expand-contract backfill benchmark");
        machine.forEach((k, v) -> System.out.printf("  %s: %s%n", k, v));
    }

    private static void check(Connection sql, String table) throws SQLException {
        String differing = scalar(sql, "select count(*) from " + table + " where new_value is distinct from old_value");
        if (!"0".equals(differing)) {
            throw new IllegalStateException(table + ": " + differing + " rows were not copied");
        }
    }
}
