package io.github.expandcontract.backfill;

import java.time.Duration;

/**
 * How one migration's backfill runs. Defaults favour finishing: no rate cap, no pause, and a batch
 * size that starts small and adapts toward {@code targetBatchTime}.
 *
 * @param batchSize           the first batch's size; later ones adapt toward the target time
 * @param minBatchSize        the floor of the adaptive size
 * @param maxBatchSize        the cap of the adaptive size
 * @param targetBatchTime     how long one batch should take (short batches hold row locks briefly)
 * @param maxRowsPerSecond    a rate cap, 0 for none
 * @param pauseBetweenBatches a fixed pause after each batch, zero for none
 * @param lockTimeout         PostgreSQL {@code lock_timeout} of each batch: a batch waits no longer for a row lock
 * @param leaseDuration       how long the runner's lease lasts without renewal; a dead runner is replaced after it
 * @param progressLogInterval how often progress is logged while the backfill runs
 * @param trafficBatchTime    the target batch time while application traffic is seen (PostgreSQL): short batches
 *                            hold row locks briefly
 * @param trafficDutyCycle    the share of time (0..1] the backfill may spend in batches while application traffic
 *                            is seen (PostgreSQL); 1 means it does not yield to traffic
 */
public record BackfillSettings(
        int batchSize,
        int minBatchSize,
        int maxBatchSize,
        Duration targetBatchTime,
        double maxRowsPerSecond,
        Duration pauseBetweenBatches,
        Duration lockTimeout,
        Duration leaseDuration,
        Duration progressLogInterval,
        Duration trafficBatchTime,
        double trafficDutyCycle) {

    /**
     * maxBatchSize 10,000: every row a batch has copied stays locked until the batch commits, so an
     * application update of such a row waits for the rest of the batch. In docs/benchmarks.md (1M
     * rows, random single-row updates) a 50,000 cap made 4% of the updates meet the batch in flight
     * and wait up to ~120 ms (their p99 40 ms); at 10,000 it was 1%, at most ~20 ms (p99 7 ms), for
     * a copy rate 4-6% lower, still ~0.9x a hand-written 10,000-row keyset loop.
     */
    public static final BackfillSettings DEFAULTS = new BackfillSettings(
            1_000, 100, 10_000, Duration.ofMillis(500), 0, Duration.ZERO,
            Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(5),
            TrafficMonitor.DEFAULT_BATCH_TIME, TrafficMonitor.DEFAULT_DUTY_CYCLE);

    /** Settings with the default yielding to application traffic. */
    public BackfillSettings(int batchSize, int minBatchSize, int maxBatchSize, Duration targetBatchTime, double maxRowsPerSecond,
                            Duration pauseBetweenBatches, Duration lockTimeout, Duration leaseDuration, Duration progressLogInterval) {
        this(batchSize, minBatchSize, maxBatchSize, targetBatchTime, maxRowsPerSecond, pauseBetweenBatches, lockTimeout,
                leaseDuration, progressLogInterval, TrafficMonitor.DEFAULT_BATCH_TIME, TrafficMonitor.DEFAULT_DUTY_CYCLE);
    }

    public BackfillSettings {
        if (batchSize < 1 || minBatchSize < 1 || maxBatchSize < minBatchSize) {
            throw new IllegalArgumentException("batch sizes must be positive with min <= max, got batchSize=" + batchSize
                    + ", minBatchSize=" + minBatchSize + ", maxBatchSize=" + maxBatchSize);
        }
        if (maxRowsPerSecond < 0) {
            throw new IllegalArgumentException("maxRowsPerSecond must be 0 (no cap) or positive, got " + maxRowsPerSecond);
        }
        if (targetBatchTime.isNegative() || targetBatchTime.isZero() || leaseDuration.toMillis() < 1_000) {
            throw new IllegalArgumentException("targetBatchTime must be positive and leaseDuration at least 1s");
        }
        if (!(trafficDutyCycle > 0 && trafficDutyCycle <= 1) || trafficBatchTime.isNegative() || trafficBatchTime.isZero()) {
            throw new IllegalArgumentException("trafficDutyCycle must be in (0, 1] (1: never yield) and trafficBatchTime positive, got "
                    + trafficDutyCycle + " and " + trafficBatchTime);
        }
    }

    public BackfillSettings withBatchSize(int size) {
        return new BackfillSettings(size, Math.min(minBatchSize, size), Math.max(maxBatchSize, size), targetBatchTime,
                maxRowsPerSecond, pauseBetweenBatches, lockTimeout, leaseDuration, progressLogInterval, trafficBatchTime, trafficDutyCycle);
    }

    public BackfillSettings withMaxRowsPerSecond(double rate) {
        return new BackfillSettings(batchSize, minBatchSize, maxBatchSize, targetBatchTime, rate, pauseBetweenBatches,
                lockTimeout, leaseDuration, progressLogInterval, trafficBatchTime, trafficDutyCycle);
    }

    public BackfillSettings withTargetBatchTime(Duration target) {
        return new BackfillSettings(batchSize, minBatchSize, maxBatchSize, target, maxRowsPerSecond, pauseBetweenBatches,
                lockTimeout, leaseDuration, progressLogInterval, trafficBatchTime, trafficDutyCycle);
    }

    public BackfillSettings withPauseBetweenBatches(Duration pause) {
        return new BackfillSettings(batchSize, minBatchSize, maxBatchSize, targetBatchTime, maxRowsPerSecond, pause,
                lockTimeout, leaseDuration, progressLogInterval, trafficBatchTime, trafficDutyCycle);
    }

    public BackfillSettings withLeaseDuration(Duration lease) {
        return new BackfillSettings(batchSize, minBatchSize, maxBatchSize, targetBatchTime, maxRowsPerSecond, pauseBetweenBatches,
                lockTimeout, lease, progressLogInterval, trafficBatchTime, trafficDutyCycle);
    }

    /** How the backfill yields to application traffic: duty cycle 1 turns yielding off. */
    public BackfillSettings withTrafficYield(Duration batchTime, double dutyCycle) {
        return new BackfillSettings(batchSize, minBatchSize, maxBatchSize, targetBatchTime, maxRowsPerSecond, pauseBetweenBatches,
                lockTimeout, leaseDuration, progressLogInterval, batchTime, dutyCycle);
    }
}
