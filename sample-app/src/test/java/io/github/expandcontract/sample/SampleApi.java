package io.github.expandcontract.sample;

import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A real HTTP client for the sample's REST API (java.net.http, JSON by Jackson). */
final class SampleApi {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Status and body of one call; {@code json} is the parsed body, empty when there is none. */
    record Response(int status, String body, Map<String, Object> json) {

        Object get(String field) {
            return json.get(field);
        }

        long id() {
            return ((Number) json.get("id")).longValue();
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    SampleApi(int port) {
        this.base = "http://localhost:" + port;
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    /** A GET that asks for HTML, as a browser does; {@code json} stays empty. */
    Response getHtml(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), "text/html");
    }

    Response post(String path, Map<String, ?> body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    Response put(String path, Map<String, ?> body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    Response delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private Response send(HttpRequest.Builder request) {
        return send(request, "application/json");
    }

    @SuppressWarnings("unchecked")
    private Response send(HttpRequest.Builder request, String accept) {
        try {
            HttpResponse<String> response = client.send(request.header("Accept", accept)
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            Map<String, Object> json = body == null || body.isBlank() || !accept.equals("application/json") ? Map.of()
                    : JSON.readValue(body, Map.class);
            return new Response(response.statusCode(), body, json);
        } catch (IOException e) {
            throw new IllegalStateException("HTTP call failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
