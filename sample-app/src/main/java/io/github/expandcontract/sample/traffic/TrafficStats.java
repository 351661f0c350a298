package io.github.expandcontract.sample.traffic;

import java.time.Instant;
import java.util.List;

/**
 * What the traffic generator has done so far, as the status page and the walkthrough's summary show it.
 *
 * @param running        whether it still sends requests
 * @param startedAt      when it started
 * @param seconds        seconds it has run (until now, or until it stopped)
 * @param requests       requests answered or failed (every request it sent)
 * @param failures       requests that failed: see {@link TrafficGenerator} for what counts
 * @param reads          {@code GET /customers/{id}} sent
 * @param inserts        {@code POST /customers} sent
 * @param updates        {@code PUT /customers/{id}} sent
 * @param p99Millis      99th percentile of the latency of every request so far, whole milliseconds (0 before the first)
 * @param maxMillis      the slowest request so far
 * @param recentFailures the latest failures, newest last, at most {@value TrafficGenerator#FAILURES_KEPT}
 */
public record TrafficStats(boolean running, Instant startedAt, long seconds, long requests, long failures, long reads,
                           long inserts, long updates, long p99Millis, long maxMillis, List<String> recentFailures) {
}
