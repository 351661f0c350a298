package io.github.expandcontract.sample.traffic;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;

/**
 * {@code sample.traffic.*}: the built-in traffic generator (on in the {@code demo} profile).
 *
 * @param enabled           run the generator in this instance once it is ready
 * @param requestsPerSecond the rate, over all workers
 * @param duration          it stops by itself after this long
 * @param workers           requests in flight at most
 * @param targets           base URLs to send to, round robin; empty: this instance
 * @param statsUrl          the status page shows the stats of a generator running elsewhere
 *                          ({@code GET} of this URL, e.g. {@code http://127.0.0.1:8090/stats}
 *                          from walkthrough.sh's generator) instead of this instance's
 */
@ConfigurationProperties("sample.traffic")
public record TrafficProperties(boolean enabled, @DefaultValue("20") double requestsPerSecond, @DefaultValue("10m") Duration duration,
                                @DefaultValue("4") int workers, @DefaultValue List<String> targets, String statsUrl) {
}
