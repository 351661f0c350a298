package io.github.expandcontract.backfill;

import java.time.Duration;

/**
 * Adapts the batch size toward a target batch time: grows at most 1.5x per batch, shrinks hard
 * (to the size that would have met the target) when a batch takes more than twice the target,
 * and stays between a floor and a cap. With a rate cap, a batch is also never larger than one
 * second's worth of rows, so a single batch cannot overshoot it.
 */
final class BatchSizer {

    private final int min;
    private final int max;
    private long targetNanos;
    /** The rows one second of {@code maxRowsPerSecond} allows; no limit without a rate cap. */
    private final int rateCap;
    private int size;

    BatchSizer(BackfillSettings settings) {
        this.min = settings.minBatchSize();
        this.max = settings.maxBatchSize();
        this.targetNanos = settings.targetBatchTime().toNanos();
        this.rateCap = settings.maxRowsPerSecond() > 0 ? (int) Math.max(1, settings.maxRowsPerSecond()) : Integer.MAX_VALUE;
        this.size = clamp(settings.batchSize());
    }

    int size() {
        return size;
    }

    /** Aims later batches at another batch time (the next batch shrinks hard if the last one is far over it). */
    void target(Duration target) {
        targetNanos = target.toNanos();
    }

    /** Records how long a batch of {@code rows} rows took and returns the next batch's size. */
    int next(int rows, Duration took) {
        long nanos = Math.max(1, took.toNanos());
        if (rows < size) {
            return size; // a short last batch says nothing about the speed
        }
        double ratio = (double) targetNanos / nanos;
        if (nanos > 2 * targetNanos) {
            size = clamp((int) (size * ratio));
        } else {
            size = clamp((int) (size * Math.min(1.5, ratio)));
        }
        return size;
    }

    private int clamp(int value) {
        return Math.min(rateCap, Math.max(min, Math.min(max, value)));
    }
}
