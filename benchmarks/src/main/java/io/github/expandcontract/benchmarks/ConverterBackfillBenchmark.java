package io.github.expandcontract.benchmarks;

import io.github.expandcontract.DualWrite;
import io.github.expandcontract.backfill.BackfillSettings;
import io.github.expandcontract.convert.CentsToAmountConverter;
import io.github.expandcontract.migration.MigrationCatalog;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.Table;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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
 * Measures the backfill of a type change, {@code price_cents bigint} to {@code price numeric(12,2)},
 * on one PostgreSQL table, three ways, each from a fresh new column (dropped and added again, then
 * VACUUM FULL, VACUUM ANALYZE, CHECKPOINT) on an otherwise idle database:
 * <ol>
 *   <li>(a) baseline: a hand-written plpgsql keyset loop, 10,000 rows per batch, COMMIT each,
 *   {@code set price = price_cents / 100.0}; its verification is one {@code count(*)} of mismatches;</li>
 *   <li>(b) our backfill through the Java converter ({@link CentsToAmountConverter}, no {@code backfillSql}),
 *   {@link BackfillSettings#DEFAULTS}, then our verification (timed apart);</li>
 *   <li>(c) our backfill with {@code backfillSql = "price_cents / 100.0"}, the same settings, then our verification.</li>
 * </ol>
 * After every variant one SQL {@code count(*)} of rows where {@code price} differs from
 * {@code price_cents / 100.0} must be 0, or the run stops: a rate counts only if the copy is right.
 * (b) and (c) swap order every other repetition. The per-batch profile (JDBC calls of the backfill
 * thread timed by {@link StatementTimer}) shows where each path spends its time; what no JDBC call
 * covers is Java work: decoding the rows read, converting, comparing, binding.
 * <p>
 * Run: {@code ./mvnw -B -q -pl benchmarks compile exec:java
 * -Dexec.mainClass=io.github.expandcontract.benchmarks.ConverterBackfillBenchmark} (see
 * docs/benchmarks.md). System properties: {@code bench.url}, {@code bench.user},
 * {@code bench.password} (as {@link BackfillBenchmark}), {@code bench.rows} (500,000) and
 * {@code bench.repeats} (3).
 */
public final class ConverterBackfillBenchmark {

    static final String TABLE = "bench_price";
    static final String IN_SQL = "price_cents / 100.0";

    /** The old column, shared by both entities (one per migration) on the same table. */
    @MappedSuperclass
    public abstract static class PriceRow {
        @Id Long id;
        @Column(name = "price_cents") Long priceCents;
    }

    @Entity(name = "PriceThroughConverter")
    @Table(name = TABLE)
    public static class PriceThroughConverter extends PriceRow {
        @Column(name = "price", precision = 12, scale = 2)
        @DualWrite(migration = "price-java", from = "priceCents", converter = CentsToAmountConverter.class) BigDecimal price;
    }

    @Entity(name = "PriceInSql")
    @Table(name = TABLE)
    public static class PriceInSql extends PriceRow {
        @Column(name = "price", precision = 12, scale = 2)
        @DualWrite(migration = "price-sql", from = "priceCents", converter = CentsToAmountConverter.class, backfillSql = IN_SQL)
        BigDecimal price;
    }

    private final BenchDatabase db = new BenchDatabase();
    private final long rows = Long.getLong("bench.rows", 500_000);
    private final int repeats = Integer.getInteger("bench.repeats", 3);
    private final Map<String, String> machine = db.describeMachine();

    /** One repetition: (a)'s copy and check times, our two runs, and the load average before and after. */
    record Rep(String loadBefore, String loadAfter, double a, double aVerify, BackfillRun java, BackfillRun sql) {
    }

    public static void main(String[] args) throws Exception {
        new ConverterBackfillBenchmark().run();
    }

    private void run() throws Exception {
        System.out.println("# expand-contract type-change backfill benchmark: Java converter vs backfillSql");
        machine.forEach((k, v) -> System.out.printf("  %s: %s%n", k, v));
        db.around(this::measure);
    }

    private void measure() throws Exception {
        try (Connection sql = db.connect()) {
            // cents 0..99,999,999 (up to 999,999.99), spread so neighbouring rows differ
            BenchDatabase.seed(sql, TABLE, "price_cents bigint not null, price numeric(12,2)", "(g::bigint * 7919) % 100000000, null", rows);
            machine.put("table", String.format("%s: %,d rows (id bigint primary key, price_cents bigint, price numeric(12,2), "
                    + "payload 100 chars), %s", TABLE, rows, BenchDatabase.sizes(sql, TABLE)));
            BenchDatabase.createKeysetProcedure(sql, "bench_price_keyset", TABLE, "price = " + IN_SQL);
            List<Rep> reps = db.repeat(repeats,
                    pool -> BackfillRun.catalog(pool, List.of("price-java", "price-sql"), PriceThroughConverter.class, PriceInSql.class),
                    (pool, catalog, rep) -> repetition(sql, pool, catalog, rep));
            machine.put("load average at the end", loadAverage());
            report(reps);
        }
    }

    private Rep repetition(Connection sql, DataSource pool, MigrationCatalog catalog, int rep) throws Exception {
        String loadBefore = loadAverage();
        freshColumn(sql);

        step("(a) plpgsql keyset loop, 10,000-row batches, COMMIT per batch, set price = %s", IN_SQL);
        double a = timed(sql, "call bench_price_keyset(10000)");
        double aVerify = timed(sql, "select count(*) from " + TABLE + " where " + mismatch());
        check(sql, "(a)");
        step("(a) %.2f s, %,.0f rows/s; its check (one count of mismatches) %.2f s", a, rows / a, aVerify);

        BackfillRun java = null;
        BackfillRun inSql = null;
        // (b) and (c) swap order every other repetition
        for (String variant : rep % 2 == 1 ? List.of("b", "c") : List.of("c", "b")) {
            freshColumn(sql);
            boolean b = variant.equals("b");
            step("(%s) expand-contract backfill %s, BackfillSettings.DEFAULTS", variant, b ? "through the Java converter" : "with backfillSql");
            BackfillRun run = BackfillRun.run(sql, pool, catalog, b ? "price-java" : "price-sql", TABLE, BackfillSettings.DEFAULTS, null);
            check(sql, "(" + variant + ")");
            run.print(rep == 1);
            if (b) {
                java = run;
            } else {
                inSql = run;
            }
        }
        String loadAfter = loadAverage();
        return new Rep(loadBefore, loadAfter, a, aVerify, java, inSql);
    }

    /** Drops the new column and adds it again (as the expand phase would), then the same physical starting point as every variant. */
    private void freshColumn(Connection sql) throws SQLException {
        long start = System.nanoTime();
        execute(sql, "alter table " + TABLE + " drop column price", "alter table " + TABLE + " add column price numeric(12,2)");
        prepare(sql, TABLE);
        step("fresh column: price dropped and added, VACUUM FULL, VACUUM ANALYZE, CHECKPOINT (%.1f s)", (System.nanoTime() - start) / 1e9);
    }

    private static String mismatch() {
        return "price is distinct from " + IN_SQL;
    }

    private void check(Connection sql, String variant) throws SQLException {
        String wrong = scalar(sql, "select count(*) from " + TABLE + " where " + mismatch());
        if (!"0".equals(wrong)) {
            throw new IllegalStateException(variant + ": " + wrong + " of " + rows + " rows have a price other than " + IN_SQL);
        }
    }

    // ------------------------------------------------------------------ report

    private void report(List<Rep> reps) {
        ToDoubleFunction<Rep> a = r -> rows / r.a();
        ToDoubleFunction<Rep> b = r -> r.java().rate();
        ToDoubleFunction<Rep> c = r -> r.sql().rate();
        ToDoubleFunction<Rep> aVerify = r -> rows / r.aVerify();
        ToDoubleFunction<Rep> bVerify = r -> r.java().verification().rowsChecked() / r.java().verifySeconds();
        ToDoubleFunction<Rep> cVerify = r -> r.sql().verification().rowsChecked() / r.sql().verifySeconds();
        double mA = median(reps, a);
        double mB = median(reps, b);
        double mC = median(reps, c);

        System.out.println();
        System.out.println("## Machine");
        System.out.println();
        machine.forEach((k, v) -> System.out.printf("- %s: %s%n", k, v));
        System.out.printf("- repetitions: %d, each: (a), then (b) and (c) (swapped every other repetition), each from a fresh new column; "
                + "medians, range = min–max%n", repeats);
        System.out.println();

        System.out.println("## Per repetition (copy rows/s; verification s)");
        System.out.println();
        System.out.println("| rep | load avg before / after | (a) | (b) Java converter | (c) backfillSql | (a) check s | (b) verify s | (c) verify s |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < reps.size(); i++) {
            Rep r = reps.get(i);
            System.out.printf("| %d | %s / %s | %,.0f | %,.0f | %,.0f | %.2f | %.2f | %.2f |%n", i + 1, r.loadBefore().split(" ")[0],
                    r.loadAfter().split(" ")[0], a.applyAsDouble(r), b.applyAsDouble(r), c.applyAsDouble(r), r.aVerify(),
                    r.java().verifySeconds(), r.sql().verifySeconds());
        }
        System.out.println();

        System.out.printf("## `price_cents bigint` → `price numeric(12,2)`, %,d rows (medians)%n%n", rows);
        System.out.println("| variant | copy rows/s | range | copy s | vs (a) | verification rows/s | range | verification s |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        System.out.printf("| (a) plpgsql keyset loop, 10,000 rows/batch (check: one `count(*)`) | %s | %.2f | 1.00 | %s | %.2f |%n",
                cells(reps, a, "%,.0f"), median(reps, Rep::a), cells(reps, aVerify, "%,.0f"), median(reps, Rep::aVerify));
        System.out.printf("| (b) our backfill, Java converter | %s | %.2f | %.2f | %s | %.2f |%n", cells(reps, b, "%,.0f"),
                median(reps, r -> r.java().copySeconds()), mB / mA, cells(reps, bVerify, "%,.0f"), median(reps, r -> r.java().verifySeconds()));
        System.out.printf("| (c) our backfill, `backfillSql = \"%s\"` | %s | %.2f | %.2f | %s | %.2f |%n", IN_SQL, cells(reps, c, "%,.0f"),
                median(reps, r -> r.sql().copySeconds()), mC / mA, cells(reps, cVerify, "%,.0f"), median(reps, r -> r.sql().verifySeconds()));
        System.out.println();
        System.out.println("| ratio | of the medians | median of the per-repetition ratios | each repetition |");
        System.out.println("|---|---:|---:|---|");
        ratioRow(reps, "(b)/(a) copy", b, a);
        ratioRow(reps, "(c)/(a) copy", c, a);
        ratioRow(reps, "(c)/(b) copy", c, b);
        ratioRow(reps, "(c)/(b) verification", cVerify, bVerify);
        System.out.println();

        heading("Where the time goes, per batch (median over the second half of every run's batches, ms)", "path", "batches",
                "rows/batch", "ms/batch", "window SELECT", "read SELECT", "copy UPDATE(s)", "commit", "other JDBC", "Java (no JDBC call)");
        profileRow(reps, "(b) Java converter", Rep::java);
        profileRow(reps, "(c) backfillSql", Rep::sql);
        System.out.println();

        heading("Where the verification's time goes (whole verification, median over repetitions, ms)", "path", "chunks", "total",
                "window SELECTs", "count / read SELECTs", "lease renewals", "other JDBC", "Java (no JDBC call)");
        verificationRow(reps, "(b) Java converter", Rep::java);
        verificationRow(reps, "(c) backfillSql", Rep::sql);
    }

    /** A section title and the head of its table: the first column left-aligned, the numbers right-aligned. */
    private static void heading(String title, String... columns) {
        System.out.printf("## %s%n%n| %s |%n|---%s|%n", title, String.join(" | ", columns), "|---:".repeat(columns.length - 1));
    }

    /** The verification runs on the backfill's thread after COMPLETED; its JDBC calls are the events marked verifying. */
    private static void verificationRow(List<Rep> reps, String label, Function<Rep, BackfillRun> run) {
        ToDoubleFunction<Rep> total = r -> run.apply(r).verifySeconds() * 1e3;
        ToDoubleFunction<Rep> window = r -> verifyMillis(run.apply(r), "window");
        ToDoubleFunction<Rep> check = r -> verifyMillis(run.apply(r), "verify_count") + verifyMillis(run.apply(r), "read");
        ToDoubleFunction<Rep> lease = r -> verifyMillis(run.apply(r), "lease");
        ToDoubleFunction<Rep> jdbc = r -> verifyMillis(run.apply(r), null);
        System.out.printf("| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |%n", label,
                // one window SELECT per chunk, and one more that finds the end
                median(reps, r -> run.apply(r).events().stream().filter(e -> e.verifying() && e.kind().equals("window")).count() - 1),
                median(reps, total), median(reps, window), median(reps, check), median(reps, lease),
                median(reps, r -> jdbc.applyAsDouble(r) - window.applyAsDouble(r) - check.applyAsDouble(r) - lease.applyAsDouble(r)),
                median(reps, r -> total.applyAsDouble(r) - jdbc.applyAsDouble(r)));
    }

    /** Milliseconds the verification spent in JDBC calls of {@code kind} (of every kind when null). */
    private static double verifyMillis(BackfillRun run, String kind) {
        return run.events().stream().filter(e -> e.verifying() && (kind == null || e.kind().equals(kind)))
                .mapToLong(StatementTimer.Event::nanos).sum() / 1e6;
    }

    private static void ratioRow(List<Rep> reps, String label, ToDoubleFunction<Rep> top, ToDoubleFunction<Rep> bottom) {
        double[] each = reps.stream().mapToDouble(r -> top.applyAsDouble(r) / bottom.applyAsDouble(r)).toArray();
        System.out.printf("| %s | **%.2f** | %.2f | %s |%n", label, median(reps, top) / median(reps, bottom), median(each),
                String.join(", ", Arrays.stream(each).mapToObj(x -> String.format("%.2f", x)).toList()));
    }

    private static void profileRow(List<Rep> reps, String label, Function<Rep, BackfillRun> run) {
        List<BackfillRun.Batch> all = new ArrayList<>();
        double[] counts = new double[reps.size()];
        for (int i = 0; i < reps.size(); i++) {
            List<BackfillRun.Batch> batches = run.apply(reps.get(i)).batches();
            counts[i] = batches.size();
            all.addAll(batches.subList(batches.size() / 2, batches.size() - 1)); // past the ramp-up, not the short last one
        }
        ToDoubleFunction<BackfillRun.Batch> jdbc = x -> x.nanosByKind().values().stream().mapToLong(Long::longValue).sum();
        ToDoubleFunction<BackfillRun.Batch> otherJdbc = x -> jdbc.applyAsDouble(x) - x.nanos("window") - x.nanos("read") - x.nanos("copy")
                - x.nanos("commit");
        System.out.printf("| %s | %.0f | %,.0f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |%n", label, median(counts),
                msMedian(all, x -> x.rows() * 1e6), msMedian(all, x -> x.endNanos() - x.startNanos()), msMedian(all, x -> x.nanos("window")),
                msMedian(all, x -> x.nanos("read")), msMedian(all, x -> x.nanos("copy")), msMedian(all, x -> x.nanos("commit")),
                msMedian(all, otherJdbc), msMedian(all, x -> x.endNanos() - x.startNanos() - jdbc.applyAsDouble(x)));
    }

    private static double msMedian(List<BackfillRun.Batch> batches, ToDoubleFunction<BackfillRun.Batch> nanos) {
        return median(batches.stream().mapToDouble(nanos).toArray()) / 1e6;
    }
}
