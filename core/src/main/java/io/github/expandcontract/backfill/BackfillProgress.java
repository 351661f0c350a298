package io.github.expandcontract.backfill;

import java.time.Instant;
import java.util.List;

/**
 * A migration's backfill as every instance sees it (read from the state table).
 *
 * @param rowsProcessed rows the backfill has passed: copied, already equal, or failed
 * @param rowsTotal     the table's row count, estimated until the backfill completes
 * @param rowsPerSecond the rate over the runner's recent batches
 */
public record BackfillProgress(
        String migrationId,
        BackfillStatus status,
        boolean pauseRequested,
        long rowsProcessed,
        long rowsCopied,
        Long rowsTotal,
        Integer batchSize,
        Double rowsPerSecond,
        String lastError,
        long failedRows,
        List<String> sampleFailedIds,
        Instant startedAt,
        Instant finishedAt,
        String leaseOwner,
        String lastKey) {

    public static BackfillProgress notStarted(String migrationId) {
        return new BackfillProgress(migrationId, BackfillStatus.NOT_STARTED, false, 0, 0, null, null, null, null, 0,
                List.of(), null, null, null, null);
    }

    /** 0 to 100; 100 once completed. */
    public double percent() {
        if (status == BackfillStatus.COMPLETED) {
            return 100.0;
        }
        if (rowsTotal == null || rowsTotal <= 0) {
            return 0.0;
        }
        return Math.min(99.9, 100.0 * rowsProcessed / rowsTotal);
    }

    /** Seconds left at the current rate, or null when unknown. */
    public Long etaSeconds() {
        if (status == BackfillStatus.COMPLETED) {
            return 0L;
        }
        if (rowsTotal == null || rowsPerSecond == null || rowsPerSecond <= 0) {
            return null;
        }
        return Math.max(0, Math.round((rowsTotal - rowsProcessed) / rowsPerSecond));
    }
}
