package io.github.expandcontract.sample.traffic;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Where the status page gets the traffic's numbers: a generator running elsewhere
 * ({@code sample.traffic.stats-url}), else the one in this instance, else none.
 */
@Component
public class TrafficStatsSource {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The stats, or why there are none. */
    public record Reading(TrafficStats stats, String source, String problem) {
    }

    private final TrafficProperties properties;
    private final ObjectProvider<TrafficRunner> runner;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public TrafficStatsSource(TrafficProperties properties, ObjectProvider<TrafficRunner> runner) {
        this.properties = properties;
        this.runner = runner;
    }

    public Reading read() {
        String url = properties.statsUrl();
        if (url != null && !url.isBlank()) {
            String source = "generator at " + url;
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET()
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    return new Reading(null, source, "answered " + response.statusCode());
                }
                return new Reading(JSON.readValue(response.body(), TrafficStats.class), source, null);
            } catch (IOException | RuntimeException e) {
                return new Reading(null, source, "not reachable: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Reading(null, source, "interrupted");
            }
        }
        TrafficRunner local = runner.getIfAvailable();
        if (local == null) {
            return new Reading(null, "none", "no traffic generator: start with the demo profile or sample.traffic.enabled=true");
        }
        TrafficStats stats = local.stats();
        return new Reading(stats, "generator in this instance", stats == null ? "starting" : null);
    }
}
