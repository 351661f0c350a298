package io.github.expandcontract.fleet;

import java.time.Duration;

/**
 * How instances announce themselves in the fleet table.
 *
 * @param interval how often a running instance renews its entry
 * @param timeout  how long after its last renewal an instance still counts as live; an instance
 *                 that died without a clean shutdown leaves the list after it
 */
public record HeartbeatSettings(Duration interval, Duration timeout) {

    /** Every 10 s, live for 30 s: a dead instance is gone within 30 s, and two missed beats are tolerated. */
    public static final HeartbeatSettings DEFAULTS = new HeartbeatSettings(Duration.ofSeconds(10), Duration.ofSeconds(30));

    public HeartbeatSettings {
        if (interval == null || interval.toMillis() < 1) {
            throw new IllegalArgumentException("the heartbeat interval must be at least 1ms, got " + interval);
        }
        if (timeout == null || timeout.compareTo(interval) <= 0) {
            throw new IllegalArgumentException("the timeout must be longer than the heartbeat interval (" + interval
                    + "), or live instances would drop out of the list between two heartbeats; got " + timeout);
        }
    }
}
