package io.github.expandcontract.verify;

import java.time.Instant;
import java.util.List;

/**
 * A verification: every row's new column compared with the converted old value. Any mismatch
 * (including a value the converter cannot convert) makes it FAILED.
 */
public record VerificationResult(
        String migrationId,
        VerificationStatus status,
        long rowsChecked,
        long mismatches,
        List<String> sampleMismatchIds,
        Instant startedAt,
        Instant finishedAt) {

    public static VerificationResult notRun(String migrationId) {
        return new VerificationResult(migrationId, VerificationStatus.NOT_RUN, 0, 0, List.of(), null, null);
    }
}
