package io.github.expandcontract.backfill;

/** Paces the backfill to at most {@code maxRowsPerSecond} over its run, measured from the first batch. */
final class Throttle {

    private final double maxRowsPerSecond;
    private long startNanos = -1;
    private long rows;

    Throttle(double maxRowsPerSecond) {
        this.maxRowsPerSecond = maxRowsPerSecond;
    }

    void start() {
        startNanos = System.nanoTime();
        rows = 0;
    }

    /** How long to wait after {@code batchRows} more rows so the average stays at or under the cap. */
    long delayMillisAfter(long batchRows) {
        if (maxRowsPerSecond <= 0) {
            return 0;
        }
        if (startNanos < 0) {
            start();
        }
        rows += batchRows;
        double earliestNanos = rows / maxRowsPerSecond * 1e9;
        long elapsed = System.nanoTime() - startNanos;
        return Math.max(0, (long) ((earliestNanos - elapsed) / 1e6));
    }
}
