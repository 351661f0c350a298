package io.github.expandcontract.autoconfigure.metrics;

import io.github.expandcontract.observe.MigrationObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records what the engine reports in Micrometer meters tagged {@code migration}:
 * {@value #DUAL_WRITES}, {@value #FALLBACK_READS}, {@value #CONVERSION_ERRORS}, {@value #BACKFILL_ROWS},
 * {@value #BACKFILL_BATCH} (timer) and {@value #VERIFY_MISMATCHES}. The gauge {@value BackfillProgressGauges#BACKFILL_PROGRESS}
 * comes from {@link BackfillProgressGauges}.
 */
public final class MicrometerMigrationObserver implements MigrationObserver {

    /** Rows whose INSERT, or UPDATE of the migrated value, wrote both columns. */
    public static final String DUAL_WRITES = "expandcontract.dual.writes";

    /** Loads in read-new that showed the old column's value because the new one was NULL. */
    public static final String FALLBACK_READS = "expandcontract.fallback.reads";

    /** Dual writes in on-conversion-error=write-null mode that wrote NULL to the new column for a value that does not convert. */
    public static final String CONVERSION_ERRORS = "expandcontract.conversion.errors";

    /** Rows this instance's backfill passed: copied, already equal, or failed to convert. */
    public static final String BACKFILL_ROWS = "expandcontract.backfill.rows";

    /** Committed backfill batches on this instance and how long each took. */
    public static final String BACKFILL_BATCH = "expandcontract.backfill.batch";

    /** Rows found wrong by verifications on this instance. */
    public static final String VERIFY_MISMATCHES = "expandcontract.verify.mismatches";

    /** The tag every meter carries: the migration id. */
    public static final String MIGRATION_TAG = "migration";

    private final MeterRegistry registry;

    private final Map<String, Meters> meters = new ConcurrentHashMap<>();

    public MicrometerMigrationObserver(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers the meters of a migration at zero, so they are there before its first event. */
    public void registerMeters(String migrationId) {
        meters(migrationId);
    }

    private Meters meters(String migrationId) {
        return this.meters.computeIfAbsent(migrationId, id -> new Meters(this.registry, id));
    }

    @Override
    public void dualWrite(String migrationId) {
        meters(migrationId).dualWrites.increment();
    }

    @Override
    public void fallbackRead(String migrationId) {
        meters(migrationId).fallbackReads.increment();
    }

    @Override
    public void conversionError(String migrationId) {
        meters(migrationId).conversionErrors.increment();
    }

    @Override
    public void backfillBatch(String migrationId, long rows, Duration took) {
        Meters m = meters(migrationId);
        m.backfillRows.increment(rows);
        m.backfillBatch.record(took);
    }

    @Override
    public void verificationMismatches(String migrationId, long mismatches) {
        meters(migrationId).verifyMismatches.increment(mismatches);
    }

    /** One migration's meters, looked up once rather than on every event. */
    private static final class Meters {

        final Counter dualWrites;
        final Counter fallbackReads;
        final Counter conversionErrors;
        final Counter backfillRows;
        final Timer backfillBatch;
        final Counter verifyMismatches;

        Meters(MeterRegistry registry, String id) {
            this.dualWrites = Counter.builder(DUAL_WRITES).tag(MIGRATION_TAG, id).baseUnit("rows")
                    .description("Rows whose INSERT, or UPDATE of the migrated value, wrote both the old and the new column")
                    .register(registry);
            this.fallbackReads = Counter.builder(FALLBACK_READS).tag(MIGRATION_TAG, id)
                    .description("Loads in read-new that returned the old column's value because the new column was NULL")
                    .register(registry);
            this.conversionErrors = Counter.builder(CONVERSION_ERRORS).tag(MIGRATION_TAG, id).baseUnit("rows")
                    .description("Dual writes that kept a value the converter cannot convert in the old column and wrote NULL to the new one")
                    .register(registry);
            this.backfillRows = Counter.builder(BACKFILL_ROWS).tag(MIGRATION_TAG, id).baseUnit("rows")
                    .description("Rows this instance's backfill passed: copied, already equal, or failed to convert")
                    .register(registry);
            this.backfillBatch = Timer.builder(BACKFILL_BATCH).tag(MIGRATION_TAG, id)
                    .description("Committed backfill batches of this instance and the time each transaction took")
                    .register(registry);
            this.verifyMismatches = Counter.builder(VERIFY_MISMATCHES).tag(MIGRATION_TAG, id).baseUnit("rows")
                    .description("Rows whose new column did not match the converted old one, found by verifications on this instance")
                    .register(registry);
        }
    }
}
