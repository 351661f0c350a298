package io.github.expandcontract.actuate;

import io.github.expandcontract.backfill.BackfillProgress;
import io.github.expandcontract.backfill.BackfillStatus;
import io.github.expandcontract.fleet.FleetDecision;
import io.github.expandcontract.fleet.LiveInstance;
import io.github.expandcontract.fleet.OverrideLog;
import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.verify.VerificationResult;
import io.github.expandcontract.verify.VerificationStatus;
import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One migration as the {@code expandcontract} endpoint shows it: what it moves, the phase this
 * instance runs it in, the shared backfill and verification state, and the live instances.
 *
 * @param oldColumn the old column; for a {@code fill-nulls} migration the one column it fills (= newColumn)
 * @param phase     the phase the answering instance runs the migration in
 * @param instances every live instance (the answering one included) with its own phase
 * @param fleet     what the rolling-deploy rules say now
 * @param overrides the latest starts with force-phase, newest first
 * @param reverse   the reverse backfill (new copied back to old after contract); null when none ran
 * @param kind      {@code move-column} ({@code @DualWrite}) or {@code fill-nulls} ({@code @FillNulls})
 * @param fillValue the value a {@code fill-nulls} migration writes instead of NULL, as text; null for a column move
 */
public record MigrationReport(String id, String entity, String table, String oldColumn, String newColumn, String phase,
                              Backfill backfill, Verification verification, List<Instance> instances, Fleet fleet,
                              List<ForcedStart> overrides, @Nullable Reverse reverse, String kind,
                              @Nullable String fillValue) {

    /** The shared state of one migration, as read for one report. */
    record State(BackfillProgress progress, VerificationResult verification, BackfillProgress reverseProgress,
                 VerificationResult reverseVerification, List<LiveInstance> live, FleetDecision decision,
                 List<OverrideLog.Override> overrides) {
    }

    static MigrationReport of(Migration migration, State state, String selfId) {
        Reverse reverse = state.reverseProgress().status() == BackfillStatus.NOT_STARTED
                && state.reverseVerification().status() == VerificationStatus.NOT_RUN ? null
                : new Reverse(Backfill.of(state.reverseProgress(), state.decision().reverseWaitingFor()),
                        Verification.of(state.reverseVerification()));
        return new MigrationReport(migration.id(), migration.entity(), migration.table().toString(), migration.oldColumn(),
                migration.newColumn(), migration.phase().configName(),
                Backfill.of(state.progress(), state.decision().backfillWaitingFor()), Verification.of(state.verification()),
                state.live().stream().map(instance -> Instance.of(instance, selfId)).toList(), Fleet.of(state.decision()),
                state.overrides().stream().map(ForcedStart::of).toList(), reverse, migration.kind().configName(),
                migration.fillsNulls() ? String.valueOf(migration.fillValue()) : null);
    }

    /**
     * The rolling-deploy rules now.
     *
     * @param phases          every live instance's phase, by instance id
     * @param readNewAllowed  whether an instance could start in read-new now
     * @param contractAllowed whether an instance could start in contract now
     * @param reason          why read-new or contract is refused (the rules' messages), null when both are allowed
     * @param readNewRefusal  the read-new part of {@code reason} alone, null when read-new is allowed
     * @param contractRefusal the contract part of {@code reason} alone, null when contract is allowed
     */
    public record Fleet(Map<String, String> phases, boolean readNewAllowed, boolean contractAllowed, @Nullable String reason,
                        @Nullable String readNewRefusal, @Nullable String contractRefusal) {

        static Fleet of(FleetDecision d) {
            String reason = Stream.of(d.readNewRefusal() == null ? null : "read-new: " + d.readNewRefusal(),
                    d.contractRefusal() == null ? null : "contract: " + d.contractRefusal())
                    .filter(Objects::nonNull).collect(Collectors.joining(" | "));
            return new Fleet(d.phases(), d.readNewAllowed(), d.contractAllowed(), reason.isEmpty() ? null : reason,
                    d.readNewRefusal(), d.contractRefusal());
        }
    }

    /** A start with force-phase: who, when, in which phase, and which rules it overrode. */
    public record ForcedStart(String instanceId, String host, String osUser, String phase, String overridden, Instant at) {

        static ForcedStart of(OverrideLog.Override o) {
            return new ForcedStart(o.instanceId(), o.host(), o.osUser(), o.phase().configName(), o.overridden(), o.at());
        }
    }

    /** The reverse backfill after contract and its verification (old compared with the converted new value). */
    public record Reverse(Backfill backfill, Verification verification) {
    }

    /**
     * The backfill, shared by every instance.
     *
     * @param rowsProcessed  rows the backfill has passed: copied, already equal, or failed
     * @param rowsTotal      the table's row count, an estimate until the backfill completes; null before it starts
     * @param percent        0 to 100
     * @param rowsPerSecond  the runner's recent rate, 0 when unknown
     * @param etaSeconds     seconds left at that rate, null when unknown
     * @param failedRows     rows whose old value the converter could not convert (skipped, left untouched)
     * @param pauseRequested an operator asked for a pause; the runner stops after its current batch
     * @param leaseOwner     the instance running the backfill now, null when none holds the lease
     * @param waitingFor     while the backfill has not completed: the live instances it waits for (they do not
     *                       write the column it fills); it copies nothing until they are gone
     */
    public record Backfill(BackfillStatus status, long rowsProcessed, @Nullable Long rowsTotal, double percent,
                           double rowsPerSecond, @Nullable Long etaSeconds, @Nullable Integer batchSize,
                           @Nullable String lastError, long failedRows, List<String> sampleFailedIds,
                           @Nullable Instant startedAt, @Nullable Instant finishedAt, long rowsCopied, boolean pauseRequested,
                           @Nullable String leaseOwner, List<String> waitingFor) {

        static Backfill of(BackfillProgress p, List<String> blocking) {
            return new Backfill(p.status(), p.rowsProcessed(), p.rowsTotal(), Math.round(p.percent() * 10) / 10.0,
                    p.rowsPerSecond() == null ? 0 : Math.round(p.rowsPerSecond() * 10) / 10.0, p.etaSeconds(), p.batchSize(),
                    p.lastError(), p.failedRows(), p.sampleFailedIds(), p.startedAt(), p.finishedAt(), p.rowsCopied(),
                    p.pauseRequested(), p.leaseOwner(), p.status() == BackfillStatus.COMPLETED ? List.of() : blocking);
        }
    }

    /** The latest verification, shared by every instance. */
    public record Verification(VerificationStatus status, long rowsChecked, long mismatches, List<String> sampleMismatchIds,
                               @Nullable Instant startedAt, @Nullable Instant finishedAt) {

        static Verification of(VerificationResult v) {
            return new Verification(v.status(), v.rowsChecked(), v.mismatches(), v.sampleMismatchIds(), v.startedAt(),
                    v.finishedAt());
        }
    }

    /**
     * A live instance.
     *
     * @param phase        the phase that instance runs the migration in
     * @param lastSeen     its latest heartbeat (database clock)
     * @param thisInstance whether it is the instance that answered
     */
    public record Instance(String instanceId, String phase, Instant lastSeen, String host, Instant startedAt,
                           boolean thisInstance) {

        static Instance of(LiveInstance instance, String selfId) {
            return new Instance(instance.instanceId(), instance.phase().configName(), instance.lastSeen(), instance.host(),
                    instance.startedAt(), instance.instanceId().equals(selfId));
        }
    }
}
