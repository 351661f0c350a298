package io.github.expandcontract.hibernate;

import io.github.expandcontract.config.OnConversionError;
import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.observe.MigrationObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One migration's handling of old values that do not convert to the new type, shared by every
 * persister of the migration: the configured mode, the metric, and a warning logged at most once
 * a minute (with the count of those not logged), so a bad batch cannot flood the log. Like the
 * library's other runtime warnings it names the row id but not the value (migrated columns often
 * hold personal data), and only the type of the converter's exception, whose message may quote it.
 */
final class ConversionErrors {

    private static final Logger log = LoggerFactory.getLogger(ConversionErrors.class);
    private static final long LOG_INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();

    private final Migration migration;
    final OnConversionError mode;
    private final MigrationObserver observer;
    private final AtomicLong nextLog = new AtomicLong(System.nanoTime());
    private final AtomicLong notLogged = new AtomicLong();

    ConversionErrors(Migration migration, OnConversionError mode, MigrationObserver observer) {
        this.migration = migration;
        this.mode = mode;
        this.observer = observer;
    }

    /** A dual write in {@code write-null} mode kept the value in the old column and wrote NULL to the new one. */
    void wroteNull(Object rowId, RuntimeException cause) {
        observer.conversionError(migration.id());
        warnRateLimited("wrote NULL to the new column " + migration.newColumn() + " of " + row(rowId) + ": its old value does not "
                + "convert (" + cause.getClass().getName() + "); the old column " + migration.oldColumn() + " keeps it "
                + "(on-conversion-error=write-null). The backfill and verification will report the row until the value is fixed.");
    }

    /** A load in a phase that reads the old column showed NULL in the new field for a value that does not convert. */
    void loadedNull(Object rowId, RuntimeException cause) {
        warnRateLimited("the old value of " + row(rowId) + " does not convert (" + cause.getClass().getName() + "); the new field "
                + migration.entity() + "." + migration.newProperty() + " shows NULL on load. The backfill and verification will "
                + "report the row until the value is fixed.");
    }

    private static String row(Object rowId) {
        return rowId == null ? "a new row" : "row id " + rowId;
    }

    private void warnRateLimited(String message) {
        long now = System.nanoTime();
        long next = nextLog.get();
        if (now - next >= 0 && nextLog.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
            long skipped = notLogged.getAndSet(0);
            log.warn("expand-contract migration '{}': {}{} Logged at most once a minute per migration.", migration.id(), message,
                    skipped == 0 ? "" : " " + skipped + " more such values since the last warning.");
        } else {
            notLogged.incrementAndGet();
        }
    }
}
