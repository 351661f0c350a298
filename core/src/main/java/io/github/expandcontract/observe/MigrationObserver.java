package io.github.expandcontract.observe;

import java.time.Duration;
import java.util.List;

/**
 * Told what the engine does, per migration, for metrics (the Spring Boot starter records these
 * with Micrometer). Every method has a no-op default. Implementations are called on the
 * application's flush and load paths and on the backfill thread: they must be fast and must not
 * throw.
 */
public interface MigrationObserver {

    /** Observes nothing. */
    MigrationObserver NONE = new MigrationObserver() {
    };

    /**
     * Hibernate wrote both columns of one row in a phase that writes both (dual-write, backfill,
     * read-new): every INSERT of an entity of the migration, and every UPDATE that changed the
     * migrated value. An UPDATE that leaves the value as it was is not counted. For a
     * {@code @FillNulls} migration: an INSERT or UPDATE about to run in which the library wrote the
     * value instead of NULL.
     */
    default void dualWrite(String migrationId) {
    }

    /**
     * A load in read-new found the new column NULL and the old one not, so the entity shows the
     * old column's (converted) value: a row the backfill has not reached, or one written by
     * something that bypasses the library. For a {@code @FillNulls} migration (read-new, contract):
     * a load that showed the value because the column was NULL.
     */
    default void fallbackRead(String migrationId) {
    }

    /**
     * A dual write in {@code on-conversion-error=write-null} mode found an old value the converter
     * cannot convert: the old column keeps it, the new column gets NULL.
     */
    default void conversionError(String migrationId) {
    }

    /**
     * This instance's backfill committed one batch.
     *
     * @param rows the rows the batch passed: copied, already equal, or failed to convert
     * @param took how long the batch's transaction took
     */
    default void backfillBatch(String migrationId, long rows, Duration took) {
    }

    /** A verification on this instance found {@code mismatches} (more than zero) rows whose new column is wrong. */
    default void verificationMismatches(String migrationId, long mismatches) {
    }

    /** Tells each of {@code observers}, in order. */
    static MigrationObserver of(List<? extends MigrationObserver> observers) {
        if (observers.isEmpty()) {
            return NONE;
        }
        if (observers.size() == 1) {
            return observers.get(0);
        }
        List<MigrationObserver> all = List.copyOf(observers);
        return new MigrationObserver() {
            @Override
            public void dualWrite(String migrationId) {
                all.forEach(o -> o.dualWrite(migrationId));
            }

            @Override
            public void fallbackRead(String migrationId) {
                all.forEach(o -> o.fallbackRead(migrationId));
            }

            @Override
            public void conversionError(String migrationId) {
                all.forEach(o -> o.conversionError(migrationId));
            }

            @Override
            public void backfillBatch(String migrationId, long rows, Duration took) {
                all.forEach(o -> o.backfillBatch(migrationId, rows, took));
            }

            @Override
            public void verificationMismatches(String migrationId, long mismatches) {
                all.forEach(o -> o.verificationMismatches(migrationId, mismatches));
            }
        };
    }
}
