package io.github.expandcontract.fleet;

import io.github.expandcontract.migration.Direction;
import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.state.MigrationStateStore;
import io.github.expandcontract.verify.VerificationResult;
import io.github.expandcontract.verify.VerificationStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The rolling-deploy rules: whether an instance may run a migration in a phase next to the live
 * fleet and the recorded history. Pure: it decides on a {@link FleetSnapshot}, so the startup check
 * and the Actuator endpoint ("would read-new be allowed now?") give the same answer.
 */
public final class PhaseGate {

    /** A rule that {@code force-phase} can override. */
    public enum Rule {
        /** A phase more than one step away from a live instance's phase. */
        PHASE_DISTANCE("phase-distance"),
        /** read-new without a passed verification that started after the last instance in expand left. */
        READ_NEW_VERIFIED("read-new-verified"),
        /** contract while a live instance runs a phase before read-new. */
        CONTRACT_FLEET("contract-fleet"),
        /** contract before the bake-in at read-new has passed. */
        BAKE_IN("bake-in"),
        /** back from contract without a passed reverse backfill. */
        BACK_FROM_CONTRACT("back-from-contract");

        private final String label;

        Rule(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** One broken rule: what is wrong and what to do. */
    public record Refusal(Rule rule, String problem, String fix) {
    }

    private PhaseGate() {
    }

    /** Every rule the phase breaks next to the snapshot; empty when it may run. */
    public static List<Refusal> check(Migration m, Phase phase, RolloutSettings rollout, FleetSnapshot fleet, Duration timeout) {
        List<Refusal> refusals = new ArrayList<>();
        distance(phase, fleet, timeout).ifPresent(refusals::add);
        Instant contractReached = fleet.state().contractReachedAt();
        // a @FillNulls column is written in every phase: nothing goes stale in contract, going back is safe
        if (contractReached != null && phase != Phase.CONTRACT && !m.fillsNulls()) {
            backFromContract(m, phase, rollout, fleet, contractReached).ifPresent(refusals::add);
        } else if (phase == Phase.READ_NEW) {
            readNewVerified(m, fleet).ifPresent(refusals::add);
        } else if (phase == Phase.CONTRACT && contractReached == null && !m.fillsNulls()) {
            // (a @FillNulls contract stops writing nothing: no fleet gate, no bake-in; the point of no return was the fill)
            List<LiveInstance> behind = fleet.others().stream()
                    .filter(i -> i.phase() != Phase.READ_NEW && i.phase() != Phase.CONTRACT).toList();
            if (!behind.isEmpty()) {
                refusals.add(new Refusal(Rule.CONTRACT_FLEET, "phase contract stops writing the old column " + m.oldColumn()
                        + ", which live instances still read: " + describe(behind) + ".",
                        "finish the rolling deploy of read-new on every instance first."));
            }
            bakeIn(m, rollout, fleet).ifPresent(refusals::add);
        }
        return refusals;
    }

    private static Optional<Refusal> distance(Phase phase, FleetSnapshot fleet, Duration timeout) {
        List<LiveInstance> far = fleet.others().stream()
                .filter(i -> Math.abs(i.phase().ordinal() - phase.ordinal()) > 1).toList();
        if (far.isEmpty()) {
            return Optional.empty();
        }
        String farPhases = far.stream().map(i -> i.phase().configName()).distinct().collect(Collectors.joining(" and "));
        return Optional.of(new Refusal(Rule.PHASE_DISTANCE, "phase " + phase.configName() + " is more than one step away "
                + "from phase " + farPhases + " of live instance(s) " + describe(far) + "; only adjacent phases may run side by side.",
                "deploy the phase(s) in between (" + between(phase, far) + ") to every instance first, one rolling deploy each. "
                        + "If a listed instance is dead, it leaves the fleet " + round(timeout) + " after its last heartbeat "
                        + "(expand-contract.instances.timeout)."));
    }

    private static String between(Phase phase, List<LiveInstance> far) {
        int low = phase.ordinal();
        int high = phase.ordinal();
        for (LiveInstance i : far) {
            low = Math.min(low, i.phase().ordinal());
            high = Math.max(high, i.phase().ordinal());
        }
        List<String> names = new ArrayList<>();
        for (int o = low + 1; o < high; o++) {
            names.add(Phase.values()[o].configName());
        }
        return String.join(", ", names);
    }

    private static Optional<Refusal> readNewVerified(Migration m, FleetSnapshot fleet) {
        VerificationResult v = fleet.verification();
        if (v.status() != VerificationStatus.PASSED) {
            String seen = switch (v.status()) {
                case NOT_RUN -> "no verification has run";
                case RUNNING -> "its verification is still running";
                default -> "its last verification FAILED with " + v.mismatches() + " mismatches (e.g. ids " + v.sampleMismatchIds() + ")";
            };
            return Optional.of(new Refusal(Rule.READ_NEW_VERIFIED, "phase read-new reads the new column " + m.newColumn()
                    + ", but " + seen + ".", "run phase backfill until the backfill completes and its verification PASSES "
                    + "(or restart the backfill and verify again), then deploy read-new."));
        }
        Instant expandGone = fleet.expandGoneAt();
        if (expandGone != null && (v.startedAt() == null || !v.startedAt().isAfter(expandGone))) {
            return Optional.of(new Refusal(Rule.READ_NEW_VERIFIED, "phase read-new reads the new column " + m.newColumn()
                    + ", but its passed verification started at " + v.startedAt() + ", before the last instance in expand left "
                    + "the fleet (" + expandGone + "); rows that instance wrote after the backfill passed them would be stale in "
                    + m.newColumn() + ".", "verify again now that no instance runs expand (action verify, or restart the "
                    + "backfill); once it PASSES, deploy read-new."));
        }
        return Optional.empty();
    }

    private static Optional<Refusal> bakeIn(Migration m, RolloutSettings rollout, FleetSnapshot fleet) {
        Instant since = fleet.state().readNewReachedAt();
        if (since == null) {
            return Optional.of(new Refusal(Rule.BAKE_IN, "phase contract needs the migration to have run in read-new "
                    + "for the bake-in (" + round(rollout.bakeIn()) + "), but no instance has started in read-new since the last one "
                    + "in a phase that reads the old column " + m.oldColumn() + ".",
                    "deploy read-new to every instance, wait " + round(rollout.bakeIn()) + " (expand-contract.migrations." + m.id()
                            + ".bake-in), then deploy contract."));
        }
        Duration elapsed = Duration.between(since, fleet.state().now());
        if (elapsed.compareTo(rollout.bakeIn()) < 0) {
            Duration left = rollout.bakeIn().minus(elapsed);
            return Optional.of(new Refusal(Rule.BAKE_IN, "phase contract is the point of no return, and the migration "
                    + "has run in read-new for " + round(elapsed) + " (since " + since + ") of its bake-in of " + round(rollout.bakeIn())
                    + ": " + round(left) + " left.", "wait " + round(left) + " more, then deploy contract (the bake-in is "
                    + "expand-contract.migrations." + m.id() + ".bake-in)."));
        }
        return Optional.empty();
    }

    private static Optional<Refusal> backFromContract(Migration m, Phase phase, RolloutSettings rollout, FleetSnapshot fleet,
                                                                Instant contractReached) {
        String stale = "the migration reached contract at " + contractReached + "; since then the old column " + m.oldColumn()
                + " is no longer written, so phase " + phase.configName() + " would read and write stale data.";
        String keep = "keep phase contract. To go back, deploy read-new with expand-contract.migrations." + m.id()
                + ".reverse-backfill=true: it copies " + m.newColumn() + " back to " + m.oldColumn() + " and verifies it; "
                + "once that reverse verification PASSED, phases that read the old column are allowed again. Only if you know no "
                + "write happened since " + contractReached + " (e.g. contract was deployed by mistake and rolled back at once), "
                + "delete the row '" + m.id() + "' from " + MigrationStateStore.TABLE + " and start again.";
        if (phase == Phase.READ_NEW) {
            return rollout.reverseBackfill() ? Optional.empty()
                    : Optional.of(new Refusal(Rule.BACK_FROM_CONTRACT, stale + " Going back from contract is refused.", keep));
        }
        VerificationResult reverse = fleet.reverseVerification();
        List<LiveInstance> contract = fleet.blocking(Direction.REVERSE);
        String why;
        if (reverse.status() != VerificationStatus.PASSED) {
            why = "no reverse backfill has passed its verification (reverse verification: " + reverse.status() + ")";
        } else if (!contract.isEmpty()) {
            why = "live instances still run contract: " + describe(contract);
        } else if (fleet.contractGoneAt() != null && (reverse.startedAt() == null || !reverse.startedAt().isAfter(fleet.contractGoneAt()))) {
            why = "the reverse verification started at " + reverse.startedAt() + ", before the last instance in contract left the "
                    + "fleet (" + fleet.contractGoneAt() + "); restart the reverse backfill (action restart-reverse) and wait for it";
        } else {
            return Optional.empty();
        }
        return Optional.of(new Refusal(Rule.BACK_FROM_CONTRACT, stale + " Going back from contract is refused: " + why + ".",
                keep));
    }

    /** e.g. {@code a1 (phase expand, host h1, last seen 2026-...)}. */
    static String describe(List<LiveInstance> instances) {
        return instances.stream().map(i -> i.instanceId() + " (phase " + i.phase().configName() + ", host " + i.host()
                + ", last seen " + i.lastSeen() + ")").collect(Collectors.joining(", "));
    }

    /** e.g. {@code 1h}, {@code 59m59s}, {@code 0s}: rounded up to whole seconds. */
    static String round(Duration d) {
        return Duration.ofSeconds(Math.max(0, (d.toMillis() + 999) / 1000)).toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
