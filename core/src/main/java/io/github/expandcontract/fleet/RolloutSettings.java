package io.github.expandcontract.fleet;

import java.time.Duration;

/**
 * The rolling-deploy rules of one migration on this instance,
 * {@code expand-contract.migrations.<id>.bake-in|force-phase|reverse-backfill}.
 *
 * @param bakeIn          how long the migration must have run in read-new before an instance may start in
 *                        contract; zero allowed (tests)
 * @param forcePhase      start in the configured phase even where the fleet, verification or contract rules
 *                        refuse it; logged loudly and recorded in {@code expand_contract_override}. The schema
 *                        checks (columns, NOT NULL) still apply.
 * @param reverseBackfill after contract, allow this instance to start in read-new and copy the new column back
 *                        to the old one (then verify), so that phases that read old become possible again
 */
public record RolloutSettings(Duration bakeIn, boolean forcePhase, boolean reverseBackfill) {

    /** One hour in read-new before contract: long enough for a full traffic cycle of most services to read new. */
    public static final Duration DEFAULT_BAKE_IN = Duration.ofHours(1);

    public static final RolloutSettings DEFAULTS = new RolloutSettings(DEFAULT_BAKE_IN, false, false);

    public RolloutSettings {
        if (bakeIn == null || bakeIn.isNegative()) {
            throw new IllegalArgumentException("the bake-in must be zero or positive, got " + bakeIn);
        }
    }

    public RolloutSettings withBakeIn(Duration duration) {
        return new RolloutSettings(duration, forcePhase, reverseBackfill);
    }

    public RolloutSettings withForcePhase(boolean force) {
        return new RolloutSettings(bakeIn, force, reverseBackfill);
    }

    public RolloutSettings withReverseBackfill(boolean reverse) {
        return new RolloutSettings(bakeIn, forcePhase, reverse);
    }
}
