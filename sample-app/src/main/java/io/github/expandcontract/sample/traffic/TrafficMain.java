package io.github.expandcontract.sample.traffic;

import com.sun.net.httpserver.HttpServer;
import org.springframework.boot.convert.DurationStyle;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The traffic generator on its own, in a process that outlives the app instances it sends
 * requests to: what {@code walkthrough.sh} runs while it restarts them. From the app's jar:
 * <pre>
 * java -cp expand-contract-sample-app.jar -Dloader.main=io.github.expandcontract.sample.traffic.TrafficMain \
 *     org.springframework.boot.loader.launch.PropertiesLauncher \
 *     targets-file=target/targets rate=20 duration=10m workers=4 stats-port=8090 summary=target/traffic.json
 * </pre>
 * {@code targets-file} lists the instances' base URLs, one a line, read again all the time
 * (or {@code targets=http://localhost:8081,http://localhost:8082}, fixed). {@code stats-port}
 * serves {@code GET /stats} (the {@link TrafficStats} as JSON) for the status page
 * ({@code sample.traffic.stats-url}). It stops after {@code duration} or on SIGTERM, and then
 * writes its final stats to {@code summary}.
 */
public final class TrafficMain {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TrafficMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        Targets targets = options.containsKey("targets-file") ? Targets.fromFile(Path.of(options.get("targets-file")))
                : Targets.of(Arrays.stream(options.getOrDefault("targets", "http://localhost:8080").split(",")).map(String::trim).toList());
        TrafficGenerator generator = new TrafficGenerator(targets, new TrafficGenerator.Settings(
                Double.parseDouble(options.getOrDefault("rate", "20")),
                DurationStyle.detectAndParse(options.getOrDefault("duration", "10m")),
                Integer.parseInt(options.getOrDefault("workers", "4"))));
        Path summary = options.containsKey("summary") ? Path.of(options.get("summary")) : null;
        HttpServer server = options.containsKey("stats-port") ? statsServer(Integer.parseInt(options.get("stats-port")), generator) : null;
        // SIGTERM or the end of the duration: requests in flight finish, then the summary is written
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            generator.close();
            writeSummary(generator, summary);
            if (server != null) {
                server.stop(0);
            }
        }, "traffic-generator-shutdown"));
        generator.start();
        while (generator.stats().running()) {
            Thread.sleep(200);
        }
        System.exit(0);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("expected key=value, got '" + arg + "'; keys: " + List.of("targets-file", "targets",
                        "rate", "duration", "workers", "stats-port", "summary"));
            }
            options.put(arg.substring(0, eq).replaceFirst("^--", ""), arg.substring(eq + 1));
        }
        return options;
    }

    private static HttpServer statsServer(int port, TrafficGenerator generator) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/stats", exchange -> {
            byte[] body = JSON.writeValueAsString(generator.stats()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    private static void writeSummary(TrafficGenerator generator, Path summary) {
        String json = JSON.writeValueAsString(generator.stats());
        System.out.println("traffic: " + json);
        if (summary != null) {
            try {
                Files.writeString(summary, json);
            } catch (IOException e) {
                System.err.println("traffic: could not write " + summary + ": " + e);
            }
        }
    }
}
