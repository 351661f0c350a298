package io.github.expandcontract.actuate;

import io.github.expandcontract.backfill.BackfillProgress;
import io.github.expandcontract.backfill.BackfillStatus;
import io.github.expandcontract.fleet.LiveInstance;
import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.verify.VerificationResult;
import io.github.expandcontract.verify.VerificationStatus;
import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.List;

/**
 * One migration as the {@code expandcontract} endpoint shows it: what it moves, the phase this
 * instance runs it in, the shared backfill and verification state, and the live instances.
 *
 * @param oldColumn the old column; for a {@code fill-nulls} migration the one column it fills (= newColumn)
 * @param phase     the phase the answering instance runs the migration in
 * @param instances every live instance (the answering one included) with its own phase
 * @param kind      {@code move-column} ({@code @DualWrite}) or {@code fill-nulls} ({@code @FillNulls})
 * @param fillValue the value a {@code fill-nulls} migration writes instead of NULL, as text; null for a column move
 */
public record MigrationReport(String id, String entity, String table, String oldColumn, String newColumn, String phase,
                              Backfill backfill, Verification verification, List<Instance> instances, String kind,
                              @Nullable String fillValue) {

    static MigrationReport of(Migration migration, BackfillProgress progress, VerificationResult verification,
                              List<LiveInstance> live, String selfId) {
        return new MigrationReport(migration.id(), migration.entity(), migration.table().toString(), migration.oldColumn(),
                migration.newColumn(), migration.phase().configName(), Backfill.of(progress), Verification.of(verification),
                live.stream().map(instance -> Instance.of(instance, selfId)).toList(), migration.kind().configName(),
                migration.fillsNulls() ? String.valueOf(migration.fillValue()) : null);
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
     */
    public record Backfill(BackfillStatus status, long rowsProcessed, @Nullable Long rowsTotal, double percent,
                           double rowsPerSecond, @Nullable Long etaSeconds, @Nullable Integer batchSize,
                           @Nullable String lastError, long failedRows, List<String> sampleFailedIds,
                           @Nullable Instant startedAt, @Nullable Instant finishedAt, long rowsCopied, boolean pauseRequested,
                           @Nullable String leaseOwner) {

        static Backfill of(BackfillProgress p) {
            return new Backfill(p.status(), p.rowsProcessed(), p.rowsTotal(), Math.round(p.percent() * 10) / 10.0,
                    p.rowsPerSecond() == null ? 0 : Math.round(p.rowsPerSecond() * 10) / 10.0, p.etaSeconds(), p.batchSize(),
                    p.lastError(), p.failedRows(), p.sampleFailedIds(), p.startedAt(), p.finishedAt(), p.rowsCopied(),
                    p.pauseRequested(), p.leaseOwner());
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
