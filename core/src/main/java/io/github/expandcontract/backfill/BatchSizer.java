package io.github.expandcontract.backfill;

import java.time.Duration;

/**
 * Adapts the batch size toward a target batch time: grows at most 1.5x per batch, shrinks hard
 * (to the size that would have met the target) when a batch takes more than twice the target,
 * and stays between a floor and a cap.
 */
final class BatchSizer {

    private final int min;
    private final int max;
    private final long targetNanos;
    private int size;

    BatchSizer(BackfillSettings settings) {
        this.min = settings.minBatchSize();
        this.max = settings.maxBatchSize();
        this.targetNanos = settings.targetBatchTime().toNanos();
        this.size = clamp(settings.batchSize());
    }

    int size() {
        return size;
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

    /** Never larger than the rows a rate cap allows per second, so one batch never overshoots the cap. */
    void capTo(int rows) {
        size = Math.max(1, Math.min(size, rows));
    }

    private int clamp(int value) {
        return Math.max(min, Math.min(max, value));
    }
}
