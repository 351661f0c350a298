package io.github.expandcontract.autoconfigure.metrics;

import io.github.expandcontract.backfill.BackfillCoordinator;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * The gauge {@value #BACKFILL_PROGRESS} (0 to 1, tag {@code migration}) of every migration: the
 * backfill's shared progress from the state table, the same on every instance whichever of them
 * runs the backfill. A reading is reused for a short while, so frequent scrapes do not each query
 * the database; a reading that fails gives NaN.
 */
public final class BackfillProgressGauges implements MeterBinder {

    /** The backfill's progress, 0 to 1; 1 once it completed. */
    public static final String BACKFILL_PROGRESS = "expandcontract.backfill.progress";

    private static final Logger log = LoggerFactory.getLogger(BackfillProgressGauges.class);

    private final BackfillCoordinator coordinator;

    private final Supplier<Collection<String>> migrationIds;

    private final Duration cacheFor;

    /**
     * @param migrationIds the migrations to report, read when the gauges are bound
     * @param cacheFor     how long a reading from the state table is reused
     */
    public BackfillProgressGauges(BackfillCoordinator coordinator, Supplier<Collection<String>> migrationIds, Duration cacheFor) {
        this.coordinator = coordinator;
        this.migrationIds = migrationIds;
        this.cacheFor = cacheFor;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String id : this.migrationIds.get()) {
            Gauge.builder(BACKFILL_PROGRESS, new CachedProgress(id, registry), CachedProgress::fraction)
                    .tag(MicrometerMigrationObserver.MIGRATION_TAG, id)
                    .description("Progress of the migration's backfill (0 to 1) as all instances share it")
                    .strongReference(true)
                    .register(registry);
        }
    }

    /** One migration's progress, read again only once the last reading is older than {@code cacheFor}. */
    private final class CachedProgress {

        private final String migrationId;
        private final MeterRegistry registry;
        private long readAt;
        private boolean read;
        private double value;

        CachedProgress(String migrationId, MeterRegistry registry) {
            this.migrationId = migrationId;
            this.registry = registry;
        }

        synchronized double fraction() {
            long now = this.registry.config().clock().monotonicTime();
            if (!this.read || now - this.readAt >= cacheFor.toNanos()) {
                this.value = readFraction();
                this.readAt = now;
                this.read = true;
            }
            return this.value;
        }

        private double readFraction() {
            try {
                return coordinator.progress(this.migrationId).percent() / 100.0;
            }
            catch (RuntimeException ex) {
                log.debug("expand-contract migration '{}': backfill progress not readable: {}", this.migrationId, ex.toString());
                return Double.NaN;
            }
        }
    }
}
