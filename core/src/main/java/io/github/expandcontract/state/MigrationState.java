package io.github.expandcontract.state;

import io.github.expandcontract.phase.Phase;

import java.time.Instant;

/**
 * One migration's row of {@value MigrationStateStore#TABLE}; every time is the database's clock.
 *
 * @param lastPhase         the phase the latest instance started in
 * @param contractReachedAt when an instance first started in contract (the point of no return), null
 *                          if never or if a passed reverse backfill cleared it
 * @param readNewReachedAt  when an instance first started in read-new since the last start in a phase
 *                          that reads old; the bake-in counts from it
 * @param expandLeftAt      when the last instance in expand left the fleet cleanly
 * @param contractLeftAt    when the last instance in contract left the fleet cleanly
 * @param reversedAt        when a start after a passed reverse backfill cleared the contract marker
 * @param now               the database's clock when the row was read
 */
public record MigrationState(String migrationId, Phase lastPhase, Instant contractReachedAt, Instant readNewReachedAt,
                             Instant expandLeftAt, Instant contractLeftAt, Instant reversedAt, Instant now) {
}
