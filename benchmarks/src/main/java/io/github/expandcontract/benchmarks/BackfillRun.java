package io.github.expandcontract.benchmarks;

import io.github.expandcontract.backfill.BackfillCoordinator;
import io.github.expandcontract.backfill.BackfillProgress;
import io.github.expandcontract.backfill.BackfillSettings;
import io.github.expandcontract.backfill.BackfillStatus;
import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.hibernate.ExpandContractIntegrator;
import io.github.expandcontract.migration.MigrationCatalog;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.verify.VerificationResult;
import io.github.expandcontract.verify.VerificationStatus;

import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.BootstrapServiceRegistryBuilder;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One run of our backfill, reconstructed batch by batch from the timed JDBC calls of its thread. */
record BackfillRun(String id, Instant started, long startNanos, BackfillProgress progress, VerificationResult verification,
                   List<StatementTimer.Event> events) {

    /**
     * Builds a Hibernate SessionFactory over {@code entities} with every migration in {@code migrationIds} in
     * phase backfill (as an application would) to get the migrations; creates the state tables.
     */
    static MigrationCatalog catalog(DataSource pool, List<String> migrationIds, Class<?>... entities) {
        Map<String, Phase> phases = new LinkedHashMap<>();
        migrationIds.forEach(id -> phases.put(id, Phase.BACKFILL));
        ExpandContractIntegrator integrator = new ExpandContractIntegrator(new ExpandContractSettings(phases));
        var registry = new StandardServiceRegistryBuilder(new BootstrapServiceRegistryBuilder().applyIntegrator(integrator).build())
                .applySetting("jakarta.persistence.nonJtaDataSource", pool)
                .build();
        MetadataSources sources = new MetadataSources(registry);
        for (Class<?> entity : entities) {
            sources.addAnnotatedClass(entity);
        }
        try (SessionFactory ignored = sources.buildMetadata().buildSessionFactory()) {
            return integrator.catalog();
        }
    }

    /**
     * Runs the backfill of migration {@code id} (its state rows cleared first) on {@code pool} wrapped in a
     * {@link StatementTimer}, waits until COMPLETED, runs {@code onCopyDone} (may be null), then waits for
     * the verification to pass. Fails when the backfill FAILED, the verification found mismatches, or
     * either took more than 10 minutes.
     */
    static BackfillRun run(Connection sql, DataSource pool, MigrationCatalog catalog, String id, String table, BackfillSettings settings,
                           Runnable onCopyDone) throws Exception {
        BenchDatabase.execute(sql, "delete from expand_contract_backfill where migration_id = '" + id + "'",
                "delete from expand_contract_verification where migration_id = '" + id + "'");
        StatementTimer timer = new StatementTimer(table);
        MigrationCatalog one = new MigrationCatalog(List.of(catalog.find(id).orElseThrow()));
        BackfillProgress done;
        VerificationResult verification;
        Instant started;
        long startNanos;
        try (BackfillCoordinator coordinator = new BackfillCoordinator(timer.wrap(pool), one, m -> settings,
                "bench-" + id)) {
            started = Instant.now();
            startNanos = System.nanoTime();
            coordinator.start();
            long deadline = startNanos + Duration.ofMinutes(10).toNanos();
            while ((done = coordinator.progress(id)).status() != BackfillStatus.COMPLETED) {
                if (done.status() == BackfillStatus.FAILED || System.nanoTime() > deadline) {
                    throw new IllegalStateException("backfill " + id + " did not complete: " + done);
                }
                Thread.sleep(50);
            }
            if (onCopyDone != null) {
                onCopyDone.run();
            }
            while ((verification = coordinator.verification(id)).status() != VerificationStatus.PASSED) {
                if (verification.status() == VerificationStatus.FAILED || System.nanoTime() > deadline) {
                    throw new IllegalStateException("verification of " + id + " did not pass: " + verification);
                }
                Thread.sleep(50);
            }
            done = coordinator.progress(id);
        }
        return new BackfillRun(id, started, startNanos, done, verification, timer.events());
    }

    /**
     * One turn of the job's loop: borrow a connection, lease, state, window, copy, checkpoint,
     * commit. {@code firstKey..lastKey} is the window; the benchmark's ids are 1..N without gaps
     * and every row needs a copy, so the window is known from the running row count.
     */
    record Batch(long startNanos, long copyStartNanos, long endNanos, long firstKey, long lastKey, Map<String, Long> nanosByKind) {
        long nanos(String kind) {
            return nanosByKind.getOrDefault(kind, 0L);
        }

        long rows() {
            return lastKey - firstKey + 1;
        }
    }

    long rows() {
        return progress.rowsProcessed();
    }

    /** When the job marked the backfill COMPLETED (the last window came back empty). */
    long completeNanos() {
        return events.stream().filter(e -> e.kind().equals("complete")).findFirst().orElseThrow().startNanos();
    }

    double copySeconds() {
        return (completeNanos() - startNanos) / 1e9;
    }

    double rate() {
        return rows() / copySeconds();
    }

    double verifySeconds() {
        return Duration.between(verification.startedAt(), verification.finishedAt()).toNanos() / 1e9;
    }

    List<Batch> batches() {
        List<Batch> batches = new ArrayList<>();
        Map<String, Long> current = null;
        long start = 0;
        long copyStart = 0;
        long end = 0;
        long batchRows = 0;
        long copied = 0;
        for (StatementTimer.Event e : events) {
            if (e.verifying()) {
                continue;
            }
            if (e.kind().equals("borrow")) {
                if (current != null && batchRows > 0) {
                    batches.add(new Batch(start, copyStart, end, copied + 1, copied + batchRows, current));
                    copied += batchRows;
                }
                current = new LinkedHashMap<>();
                start = e.startNanos();
                batchRows = 0;
            }
            if (current == null) {
                continue;
            }
            current.merge(e.kind(), e.nanos(), Long::sum);
            end = e.endNanos();
            if (e.kind().equals("copy")) {
                copyStart = e.startNanos();
                batchRows += e.count();
            }
        }
        if (current != null && batchRows > 0) {
            batches.add(new Batch(start, copyStart, end, copied + 1, copied + batchRows, current));
        }
        return batches;
    }

    /** Rows copied by the first commit that reaches {@code n} rows, and seconds from start to that commit. */
    double[] firstRows(long n) {
        for (Batch batch : batches()) {
            if (batch.lastKey() >= n) {
                return new double[] {batch.lastKey(), (batch.endNanos() - startNanos) / 1e9};
            }
        }
        return new double[] {rows(), copySeconds()};
    }

    double firstRowsRate(long n) {
        double[] first = firstRows(n);
        return first[0] / first[1];
    }

    /** Whether an update of row {@code id} during [from, to] met one of the batches between its copy and its commit. */
    static boolean metBatch(List<Batch> batches, long id, long from, long to) {
        for (Batch batch : batches) {
            if (id >= batch.firstKey() && id <= batch.lastKey() && from < batch.endNanos() && to > batch.copyStartNanos()) {
                return true;
            }
        }
        return false;
    }

    void print(boolean detailed) {
        List<Batch> batches = batches();
        double[] first = firstRows(BackfillBenchmark.FLAT_ROWS);
        System.out.printf("  %s: %,d rows in %.2f s = %,.0f rows/s (state row: started %s, finished %s); first %,.0f rows "
                        + "%,.0f rows/s; verification %,d rows in %.2f s (%,.0f rows/s, %s); %d batches%n",
                id, rows(), copySeconds(), rate(), progress.startedAt(), progress.finishedAt(), first[0], first[0] / first[1],
                verification.rowsChecked(), verifySeconds(), verification.rowsChecked() / verifySeconds(), verification.status(),
                batches.size());
        if (!detailed) {
            return;
        }
        System.out.println("  per batch (ms): borrow+lease+state+lock_timeout | window | copy | checkpoint | commit | total ; rows");
        long previousEnd = startNanos;
        for (int i = 0; i < batches.size(); i++) {
            Batch b = batches.get(i);
            long overhead = b.nanos("borrow") + b.nanos("lease") + b.nanos("state") + b.nanos("lock_timeout")
                    + b.nanos("mark_running") + b.nanos("estimate") + b.nanos("other");
            System.out.printf("   #%-3d %7.1f | %6.1f | %7.1f | %5.1f | %6.1f | %7.1f ; %,7d rows  (gap before %.1f ms)%n",
                    i + 1, overhead / 1e6, b.nanos("window") / 1e6, b.nanos("copy") / 1e6, b.nanos("checkpoint") / 1e6,
                    b.nanos("commit") / 1e6, (b.endNanos() - b.startNanos()) / 1e6, b.rows(), (b.startNanos() - previousEnd) / 1e6);
            previousEnd = b.endNanos();
        }
        Map<String, long[]> byKind = new LinkedHashMap<>();
        for (StatementTimer.Event e : events) {
            long[] acc = byKind.computeIfAbsent((e.verifying() ? "verify:" : "") + e.kind(), k -> new long[2]);
            acc[0]++;
            acc[1] += e.nanos();
        }
        System.out.println("  JDBC time of the backfill thread by call (count, total ms):");
        byKind.forEach((kind, acc) -> System.out.printf("    %-22s %6d %10.1f%n", kind, acc[0], acc[1] / 1e6));
    }
}
