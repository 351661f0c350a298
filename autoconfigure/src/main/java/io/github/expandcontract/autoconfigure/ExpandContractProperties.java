package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.backfill.BackfillSettings;
import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.config.OnConversionError;
import io.github.expandcontract.fleet.HeartbeatSettings;
import io.github.expandcontract.fleet.RolloutSettings;
import io.github.expandcontract.phase.Phase;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Configuration properties of expand-contract, prefix {@code expand-contract}.
 * <p>
 * Validates itself while it is bound (Spring Boot calls properties that are a {@link Validator}),
 * without Jakarta Bean Validation on the class path: a bad value fails startup with Boot's report
 * naming the property, its value, where it was set and the rule it breaks.
 */
@ConfigurationProperties("expand-contract")
public class ExpandContractProperties implements Validator {

    /**
     * Whether to enable expand-contract. When disabled, @DualWrite and @FillNulls fields are
     * ordinary mapped fields: nothing is kept in sync or filled, and nothing is checked at startup.
     */
    private boolean enabled = true;

    /**
     * Migrations by id, the migration attribute of @DualWrite or @FillNulls (for example "owner-phone").
     * Every id configured here must be declared by an entity.
     */
    private final Map<String, MigrationProperties> migrations = new LinkedHashMap<>();

    /**
     * The library's state table.
     */
    private final Jdbc jdbc = new Jdbc();

    /**
     * How running instances announce themselves in the fleet table, which the actuator
     * endpoint lists.
     */
    private final Instances instances = new Instances();

    /**
     * The startup check that takes a sample of existing old values of every converter migration to
     * the new type and back, and warns about those that do not come back unchanged.
     */
    private final RoundTripCheck roundTripCheck = new RoundTripCheck();

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Map<String, MigrationProperties> getMigrations() {
        return this.migrations;
    }

    public Jdbc getJdbc() {
        return this.jdbc;
    }

    public Instances getInstances() {
        return this.instances;
    }

    public RoundTripCheck getRoundTripCheck() {
        return this.roundTripCheck;
    }

    /**
     * Boot asks this for every object it binds under {@code expand-contract}; each migration's
     * backfill settings and the heartbeat settings are checked where they are bound, so the report
     * names the full property.
     */
    @Override
    public boolean supports(Class<?> type) {
        return Backfill.class == type || Instances.class == type || RoundTripCheck.class == type || MigrationProperties.class == type;
    }

    @Override
    public void validate(Object target, Errors errors) {
        if (target instanceof Backfill backfill) {
            backfill.validate(errors);
        }
        else if (target instanceof RoundTripCheck check) {
            check.validate(errors);
        }
        else if (target instanceof Instances instances) {
            instances.validate(errors);
        }
        else if (target instanceof MigrationProperties migration) {
            migration.validate(errors);
        }
    }

    /** Whether the library creates its state table when it is missing. */
    public enum InitializeSchema {
        /** Create the table at startup when it is missing. */
        ALWAYS,
        /** Never create it: the application's Liquibase changelog includes the shipped one. */
        NEVER
    }

    /**
     * Settings of the state table, {@code expand-contract.jdbc.*}.
     */
    public static class Jdbc {

        /**
         * Whether to create the library's state tables (expand_contract_*) at startup when they
         * are missing. Use never when Liquibase creates them from the shipped changelog
         * META-INF/expand-contract/changelog/expand-contract-state.yaml.
         */
        private InitializeSchema initializeSchema = InitializeSchema.ALWAYS;

        public InitializeSchema getInitializeSchema() {
            return this.initializeSchema;
        }

        public void setInitializeSchema(InitializeSchema initializeSchema) {
            this.initializeSchema = initializeSchema;
        }
    }

    /**
     * Heartbeat settings of this instance's entry in expand_contract_instance,
     * {@code expand-contract.instances.*}.
     */
    public static class Instances {

        /**
         * How often a running instance renews its entry in the fleet table.
         */
        private Duration heartbeatInterval = Duration.ofSeconds(10);

        /**
         * How long after its latest heartbeat an instance still counts as live. An instance
         * that stops cleanly leaves the list at once; one that dies, after this timeout. Must be
         * longer than the heartbeat interval.
         */
        private Duration timeout = Duration.ofSeconds(30);

        public Duration getHeartbeatInterval() {
            return this.heartbeatInterval;
        }

        public void setHeartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
        }

        public Duration getTimeout() {
            return this.timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        void validate(Errors errors) {
            if (this.heartbeatInterval == null || this.heartbeatInterval.toMillis() < 1) {
                errors.rejectValue("heartbeatInterval", "min", "must be at least 1ms");
            }
            else if (this.timeout == null || this.timeout.compareTo(this.heartbeatInterval) <= 0) {
                errors.rejectValue("timeout", "min", "must be longer than heartbeat-interval (" + this.heartbeatInterval
                        + "), or live instances would drop out of the list between two heartbeats");
            }
        }

        /** These settings for the engine; invalid values fail with the engine's message. */
        public HeartbeatSettings toSettings() {
            return new HeartbeatSettings(this.heartbeatInterval, this.timeout);
        }
    }

    /**
     * Settings of the startup round-trip check, {@code expand-contract.round-trip-check.*}.
     */
    public static class RoundTripCheck {

        /**
         * Rows whose old value the startup check takes to the new type and back, per migration
         * with a converter; 0 turns the check off. It only warns (with example ids and values),
         * never fails startup.
         */
        private int sampleSize = ExpandContractSettings.DEFAULT_ROUND_TRIP_SAMPLE_SIZE;

        public int getSampleSize() {
            return this.sampleSize;
        }

        public void setSampleSize(int sampleSize) {
            this.sampleSize = sampleSize;
        }

        void validate(Errors errors) {
            if (this.sampleSize < 0) {
                errors.rejectValue("sampleSize", "min", "must be 0 (no check) or a positive number of rows");
            }
        }
    }

    /**
     * Settings of one migration, {@code expand-contract.migrations.<id>.*}.
     */
    public static class MigrationProperties {

        /**
         * Phase this instance runs the migration in: expand (write old, read old),
         * dual-write (write both, read old), backfill (like dual-write, plus copying old to
         * new for every row), read-new (write both, read new) or contract (write new, read
         * new). A rolling deploy moves one phase at a time.
         */
        private Phase phase = Phase.EXPAND;

        /**
         * How the backfill of this migration runs (phase backfill).
         */
        private final Backfill backfill = new Backfill();

        /**
         * What a dual write does with an old value the converter cannot convert to the new type:
         * fail (the flush fails, naming the migration, the row id and the value) or write-null
         * (the old column keeps the value, the new one gets NULL, counted in
         * expandcontract.conversion.errors). A new value that cannot convert back always fails.
         */
        private OnConversionError onConversionError = OnConversionError.FAIL;

        /**
         * Zone of the old column's zone-less date-times (for example Europe/Berlin), for the
         * converters LocalDateTimeToInstantConverter and LocalDateTimeToOffsetDateTimeConverter.
         */
        private ZoneId zone;

        /**
         * How long the migration must have run in read-new (since an instance first started
         * in read-new) before an instance may start in contract, the point of no return. Zero
         * allowed (tests); must not be negative.
         */
        private Duration bakeIn = RolloutSettings.DEFAULT_BAKE_IN;

        /**
         * Emergency override: start in the configured phase even where the rolling-deploy rules
         * refuse it (phase distance to live instances, read-new verification, contract fleet and
         * bake-in, going back from contract). Logged at ERROR and recorded with instance, host, OS
         * user and time in expand_contract_override. The schema checks still apply.
         */
        private boolean forcePhase = false;

        /**
         * After contract: allow this instance to start in read-new and copy the new column back
         * to the old one (through the converter's toOld), then verify it. Once that reverse
         * verification passed, phases that read the old column may be deployed again.
         */
        private boolean reverseBackfill = false;

        public Phase getPhase() {
            return this.phase;
        }

        public void setPhase(Phase phase) {
            this.phase = phase;
        }

        public OnConversionError getOnConversionError() {
            return this.onConversionError;
        }

        public void setOnConversionError(OnConversionError onConversionError) {
            this.onConversionError = onConversionError;
        }

        public ZoneId getZone() {
            return this.zone;
        }

        public void setZone(ZoneId zone) {
            this.zone = zone;
        }

        public Duration getBakeIn() {
            return this.bakeIn;
        }

        public void setBakeIn(Duration bakeIn) {
            this.bakeIn = bakeIn;
        }

        public boolean isForcePhase() {
            return this.forcePhase;
        }

        public void setForcePhase(boolean forcePhase) {
            this.forcePhase = forcePhase;
        }

        public boolean isReverseBackfill() {
            return this.reverseBackfill;
        }

        public void setReverseBackfill(boolean reverseBackfill) {
            this.reverseBackfill = reverseBackfill;
        }

        void validate(Errors errors) {
            if (this.bakeIn == null || this.bakeIn.isNegative()) {
                errors.rejectValue("bakeIn", "min", "must be zero or positive, e.g. 1h");
            }
        }

        /** The rolling-deploy rules of this migration for the engine. */
        public RolloutSettings toRolloutSettings() {
            return new RolloutSettings(this.bakeIn, this.forcePhase, this.reverseBackfill);
        }

        public Backfill getBackfill() {
            return this.backfill;
        }
    }

    /**
     * Backfill settings of one migration, {@code expand-contract.migrations.<id>.backfill.*}.
     * Defaults favour finishing: no rate cap, no pause, a batch size that adapts.
     */
    public static class Backfill {

        /**
         * Size of the first batch, at least 1; later batches adapt toward target-batch-time
         * (growing at most 1.5x per batch, shrinking hard when a batch is far too slow).
         */
        private int batchSize = BackfillSettings.DEFAULTS.batchSize();

        /**
         * How long one batch should take; positive. Short batches hold row locks briefly.
         */
        private Duration targetBatchTime = BackfillSettings.DEFAULTS.targetBatchTime();

        /**
         * Upper bound on rows copied per second; 0 means no cap. Must not be negative.
         */
        private double maxRowsPerSecond = 0;

        /**
         * Pause after each batch; zero means none. Must not be negative.
         */
        private Duration pauseBetweenBatches = Duration.ZERO;

        /**
         * Share of the time, more than 0 and at most 1, the backfill may spend in batches while other
         * sessions use the database (PostgreSQL); 1 turns yielding off. On an idle database it runs
         * at full speed.
         */
        private double trafficDutyCycle = BackfillSettings.DEFAULTS.trafficDutyCycle();

        /**
         * How long one batch should take while other sessions use the database (PostgreSQL); positive.
         */
        private Duration trafficBatchTime = BackfillSettings.DEFAULTS.trafficBatchTime();

        public double getTrafficDutyCycle() {
            return this.trafficDutyCycle;
        }

        public void setTrafficDutyCycle(double trafficDutyCycle) {
            this.trafficDutyCycle = trafficDutyCycle;
        }

        public Duration getTrafficBatchTime() {
            return this.trafficBatchTime;
        }

        public void setTrafficBatchTime(Duration trafficBatchTime) {
            this.trafficBatchTime = trafficBatchTime;
        }

        public int getBatchSize() {
            return this.batchSize;
        }

        public void setBatchSize(int batchSize) {
            this.batchSize = batchSize;
        }

        public Duration getTargetBatchTime() {
            return this.targetBatchTime;
        }

        public void setTargetBatchTime(Duration targetBatchTime) {
            this.targetBatchTime = targetBatchTime;
        }

        public double getMaxRowsPerSecond() {
            return this.maxRowsPerSecond;
        }

        public void setMaxRowsPerSecond(double maxRowsPerSecond) {
            this.maxRowsPerSecond = maxRowsPerSecond;
        }

        public Duration getPauseBetweenBatches() {
            return this.pauseBetweenBatches;
        }

        public void setPauseBetweenBatches(Duration pauseBetweenBatches) {
            this.pauseBetweenBatches = pauseBetweenBatches;
        }

        void validate(Errors errors) {
            if (this.batchSize < 1) {
                errors.rejectValue("batchSize", "min", "must be at least 1");
            }
            if (this.targetBatchTime == null || this.targetBatchTime.isNegative() || this.targetBatchTime.isZero()) {
                errors.rejectValue("targetBatchTime", "positive", "must be positive, e.g. 500ms");
            }
            if (!(this.maxRowsPerSecond >= 0) || Double.isInfinite(this.maxRowsPerSecond)) {
                errors.rejectValue("maxRowsPerSecond", "min", "must be 0 (no cap) or a positive number of rows per second");
            }
            if (this.pauseBetweenBatches == null || this.pauseBetweenBatches.isNegative()) {
                errors.rejectValue("pauseBetweenBatches", "min", "must be zero (no pause) or positive");
            }
            if (!(this.trafficDutyCycle > 0 && this.trafficDutyCycle <= 1)) {
                errors.rejectValue("trafficDutyCycle", "range", "must be more than 0 and at most 1 (1: never yield to traffic)");
            }
            if (this.trafficBatchTime == null || this.trafficBatchTime.isNegative() || this.trafficBatchTime.isZero()) {
                errors.rejectValue("trafficBatchTime", "positive", "must be positive, e.g. 10ms");
            }
        }

        /** These settings on top of the engine's defaults; invalid values fail with the engine's message. */
        public BackfillSettings toSettings() {
            return BackfillSettings.DEFAULTS.withBatchSize(this.batchSize).withTargetBatchTime(this.targetBatchTime)
                    .withMaxRowsPerSecond(this.maxRowsPerSecond).withPauseBetweenBatches(this.pauseBetweenBatches)
                    .withTrafficYield(this.trafficBatchTime, this.trafficDutyCycle);
        }
    }
}
