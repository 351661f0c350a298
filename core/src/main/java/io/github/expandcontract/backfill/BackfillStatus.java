package io.github.expandcontract.backfill;

/** Where a migration's backfill stands. */
public enum BackfillStatus {
    NOT_STARTED, RUNNING, PAUSED, COMPLETED, FAILED
}
