package io.github.expandcontract.fleet;

import io.github.expandcontract.phase.Phase;

import java.time.Instant;

/**
 * One running instance of the application as the fleet table shows it, for one migration.
 *
 * @param instanceId the instance's id, the same one that owns the backfill lease when it runs it
 * @param phase      the phase this instance runs the migration in
 * @param host       the host name the instance runs on
 * @param startedAt  when it registered (database clock)
 * @param lastSeen   its latest heartbeat (database clock)
 */
public record LiveInstance(String instanceId, String migrationId, Phase phase, String host, Instant startedAt, Instant lastSeen) {
}
