package io.github.expandcontract.actuate;

import io.github.expandcontract.backfill.BackfillCoordinator;
import io.github.expandcontract.backfill.BackfillProgress;
import io.github.expandcontract.backfill.BackfillStatus;
import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.migration.MigrationCatalog;
import io.github.expandcontract.verify.VerificationResult;
import io.github.expandcontract.verify.VerificationStatus;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Health of every migration: DOWN when a backfill FAILED or a verification found mismatches (both
 * need an operator), the reverse backfill after contract included, UP otherwise. The details show each migration's phase, backfill and
 * verification state.
 */
public class ExpandContractHealthIndicator extends AbstractHealthIndicator {

    private final Supplier<MigrationCatalog> catalog;
    private final BackfillCoordinator coordinator;

    public ExpandContractHealthIndicator(Supplier<MigrationCatalog> catalog, BackfillCoordinator coordinator) {
        super("expand-contract health check failed");
        this.catalog = catalog;
        this.coordinator = coordinator;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean down = false;
        for (Migration migration : catalog.get().all()) {
            BackfillProgress backfill = coordinator.progress(migration.id());
            VerificationResult verification = coordinator.verification(migration.id());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("phase", migration.phase().configName());
            details.put("backfill", backfill.status());
            if (backfill.status() == BackfillStatus.FAILED && backfill.lastError() != null) {
                details.put("lastError", backfill.lastError());
            }
            details.put("verification", verification.status());
            details.put("mismatches", verification.mismatches());
            if (verification.mismatches() > 0) {
                details.put("sampleMismatchIds", verification.sampleMismatchIds());
            }
            // after contract, the reverse copy (new back to old) needs an operator in the same cases
            BackfillProgress reverse = coordinator.reverseProgress(migration.id());
            VerificationResult reverseVerification = coordinator.reverseVerification(migration.id());
            if (reverse.status() != BackfillStatus.NOT_STARTED || reverseVerification.status() != VerificationStatus.NOT_RUN) {
                details.put("reverseBackfill", reverse.status());
                details.put("reverseVerification", reverseVerification.status());
                details.put("reverseMismatches", reverseVerification.mismatches());
            }
            builder.withDetail(migration.id(), details);
            down |= needsOperator(backfill, verification) || needsOperator(reverse, reverseVerification);
        }
        if (down) {
            builder.down();
        } else {
            builder.up();
        }
    }

    private static boolean needsOperator(BackfillProgress backfill, VerificationResult verification) {
        return backfill.status() == BackfillStatus.FAILED || verification.status() == VerificationStatus.FAILED
                || verification.mismatches() > 0;
    }
}
