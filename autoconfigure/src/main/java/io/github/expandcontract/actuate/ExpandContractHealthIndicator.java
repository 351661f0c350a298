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
 * need an operator), UP otherwise. The details show each migration's phase, backfill and
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
            builder.withDetail(migration.id(), details);
            down |= backfill.status() == BackfillStatus.FAILED || verification.status() == VerificationStatus.FAILED
                    || verification.mismatches() > 0;
        }
        if (down) {
            builder.down();
        } else {
            builder.up();
        }
    }
}
