package io.github.expandcontract.sample.traffic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The app instances the generator sends requests to, round robin, like a load balancer.
 * <p>
 * A list read from a file (one base URL a line) is read again every {@value #REREAD_MILLIS} ms,
 * so a rolling deploy can drain an instance: take its line out, wait until requests in flight
 * are answered, stop it, start it again, put the line back. Each base URL has an HTTP client of
 * its own; one that leaves the list loses it, so a restarted instance never gets requests on
 * connections its previous process had open.
 */
final class Targets {

    static final long REREAD_MILLIS = 200;

    /** One instance and the client that talks to it. */
    record Target(String baseUrl, HttpClient client) {
    }

    private final Supplier<List<String>> source;
    private final AtomicLong turn = new AtomicLong();
    private volatile Map<String, Target> current = Map.of();
    private volatile long readAt;

    private Targets(Supplier<List<String>> source) {
        this.source = source;
    }

    static Targets of(List<String> baseUrls) {
        List<String> fixed = List.copyOf(baseUrls);
        return new Targets(() -> fixed);
    }

    /** Base URLs from a file, one a line; blank lines and lines starting with # are ignored; a missing file is an empty list. */
    static Targets fromFile(Path file) {
        return new Targets(() -> {
            try {
                return Files.readAllLines(file).stream().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            } catch (NoSuchFileException e) {
                return List.of();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The next target round robin, or null while the list is empty. */
    Target next() {
        List<Target> targets = List.copyOf(refresh().values());
        return targets.isEmpty() ? null : targets.get((int) Math.floorMod(turn.getAndIncrement(), (long) targets.size()));
    }

    private synchronized Map<String, Target> refresh() {
        long now = System.nanoTime();
        if (!current.isEmpty() && now - readAt < REREAD_MILLIS * 1_000_000) {
            return current;
        }
        readAt = now;
        Map<String, Target> next = new LinkedHashMap<>();
        for (String url : source.get()) {
            String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            Target known = current.get(base);
            next.put(base, known != null ? known : new Target(base, newClient()));
        }
        current = Map.copyOf(next);
        return current;
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }
}
