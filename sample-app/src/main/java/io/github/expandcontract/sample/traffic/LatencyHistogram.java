package io.github.expandcontract.sample.traffic;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Request latencies in 1 ms buckets up to 10 s (slower ones share the last bucket), so percentiles
 * cover every request of a run in fixed memory, whatever its length.
 */
final class LatencyHistogram {

    static final int BUCKETS = 10_001;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    void record(long nanos) {
        counts.incrementAndGet((int) Math.min(BUCKETS - 1, Math.max(0, nanos / 1_000_000)));
    }

    /**
     * The latency at {@code quantile} in whole milliseconds, rounded down like a maximum taken with
     * {@code toMillis} (so p99 never shows above the max); 0 when empty.
     */
    long percentileMillis(double quantile) {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += counts.get(i);
        }
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return i; // bucket i holds [i ms, i+1 ms)
            }
        }
        return BUCKETS - 1;
    }
}
