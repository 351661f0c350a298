package io.github.expandcontract.observe;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Records what the engine reports, per migration, for tests. */
public final class RecordingObserver implements MigrationObserver {

    private final Map<String, AtomicLong> dualWrites = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> fallbackReads = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> mismatches = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> conversionErrors = new ConcurrentHashMap<>();
    private final List<Batch> batches = new CopyOnWriteArrayList<>();

    /** One committed backfill batch. */
    public record Batch(String migrationId, long rows, Duration took) {
    }

    @Override
    public void dualWrite(String migrationId) {
        dualWrites.computeIfAbsent(migrationId, id -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public void fallbackRead(String migrationId) {
        fallbackReads.computeIfAbsent(migrationId, id -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public void conversionError(String migrationId) {
        conversionErrors.computeIfAbsent(migrationId, id -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public void backfillBatch(String migrationId, long rows, Duration took) {
        batches.add(new Batch(migrationId, rows, took));
    }

    @Override
    public void verificationMismatches(String migrationId, long found) {
        mismatches.computeIfAbsent(migrationId, id -> new AtomicLong()).addAndGet(found);
    }

    public long dualWrites(String migrationId) {
        return dualWrites.getOrDefault(migrationId, new AtomicLong()).get();
    }

    public long fallbackReads(String migrationId) {
        return fallbackReads.getOrDefault(migrationId, new AtomicLong()).get();
    }

    public long conversionErrors(String migrationId) {
        return conversionErrors.getOrDefault(migrationId, new AtomicLong()).get();
    }

    public long mismatches(String migrationId) {
        return mismatches.getOrDefault(migrationId, new AtomicLong()).get();
    }

    public List<Batch> batches(String migrationId) {
        return batches.stream().filter(b -> b.migrationId().equals(migrationId)).toList();
    }

    public void clear() {
        dualWrites.clear();
        fallbackReads.clear();
        mismatches.clear();
        conversionErrors.clear();
        batches.clear();
    }
}
