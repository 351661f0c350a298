package io.github.expandcontract.sample.traffic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Reads, inserts and updates customers through the sample's REST API at a bounded rate for a
 * bounded time, and counts what failed and how long requests took.
 * <p>
 * The mix: 70% {@code GET /customers/{id}} (a seeded row, or one it inserted), 15%
 * {@code PUT /customers/{id}} of a seeded row, 15% {@code POST /customers}. Each request sends
 * either the old or the new field of each migration ({@code email}/{@code emailAddress},
 * {@code creditLimitCents}/{@code creditLimit}), chosen at random.
 * <p>
 * <b>A request fails</b> when it gets no answer (connection refused or reset, timeout after
 * {@value #TIMEOUT_SECONDS} s), an unexpected status (anything but 200 for GET and PUT, 201 for
 * POST) or an answer whose content is wrong: the two fields of a migration disagree, or a write
 * does not show the values sent. Nothing is retried. Workers update disjoint rows (id modulo the
 * worker count), so a failure is never the optimistic lock of two generator requests racing.
 */
public final class TrafficGenerator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TrafficGenerator.class);

    static final int FAILURES_KEPT = 10;
    static final int TIMEOUT_SECONDS = 10;
    private static final int INSERTED_KEPT = 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * @param requestsPerSecond the rate over all workers
     * @param duration          it stops by itself after this long
     * @param workers           requests in flight at most
     */
    public record Settings(double requestsPerSecond, Duration duration, int workers) {
        public Settings {
            if (!(requestsPerSecond > 0) || duration.isNegative() || duration.isZero() || workers < 1) {
                throw new IllegalArgumentException("traffic: requests per second and duration must be positive and workers at least 1, got "
                        + requestsPerSecond + ", " + duration + ", " + workers);
            }
        }
    }

    private final Targets targets;
    private final Settings settings;
    private final ExecutorService workers;
    private final long intervalNanos;
    private final AtomicLong nextSlot = new AtomicLong();
    private final LatencyHistogram latencies = new LatencyHistogram();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong inserts = new AtomicLong();
    private final AtomicLong updates = new AtomicLong();
    private final AtomicLong maxNanos = new AtomicLong();
    private final Deque<String> recentFailures = new ArrayDeque<>();
    private final AtomicLongArray inserted = new AtomicLongArray(INSERTED_KEPT);
    private final AtomicLong insertedCount = new AtomicLong();
    private volatile boolean running;
    private volatile Instant startedAt;
    private volatile long startedNanos;
    private volatile long stoppedNanos;
    private volatile long lowId;
    private volatile long highId;

    TrafficGenerator(Targets targets, Settings settings) {
        this.targets = targets;
        this.settings = settings;
        this.intervalNanos = (long) (1_000_000_000L / settings.requestsPerSecond());
        this.workers = Executors.newFixedThreadPool(settings.workers(), r -> {
            Thread t = new Thread(r, "traffic-generator");
            t.setDaemon(true);
            return t;
        });
    }

    /** A generator for fixed base URLs, e.g. {@code http://localhost:8080}. */
    public static TrafficGenerator of(List<String> baseUrls, Settings settings) {
        return new TrafficGenerator(Targets.of(baseUrls), settings);
    }

    /**
     * Learns the seeded rows' id range from {@code GET /customers} (waiting up to a minute for an
     * instance to answer), then starts the workers.
     */
    public synchronized void start() throws InterruptedException {
        if (running) {
            return;
        }
        learnIdRange();
        startedAt = Instant.now();
        startedNanos = System.nanoTime();
        nextSlot.set(startedNanos);
        running = true;
        for (int w = 0; w < settings.workers(); w++) {
            int worker = w;
            workers.execute(() -> work(worker));
        }
        log.info("Traffic generator started: {} requests/s for {}, {} workers, customer ids {}..{}", settings.requestsPerSecond(),
                settings.duration(), settings.workers(), lowId, highId);
    }

    /** Stops sending and waits for the requests in flight. */
    @Override
    public void close() {
        boolean wasRunning = running;
        running = false;
        workers.shutdown();
        try {
            if (!workers.awaitTermination(TIMEOUT_SECONDS + 5, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (wasRunning) {
            stoppedNanos = System.nanoTime();
            log.info("Traffic generator stopped: {}", stats());
        }
    }

    public TrafficStats stats() {
        long end = running || stoppedNanos == 0 ? System.nanoTime() : stoppedNanos;
        List<String> failuresNow;
        synchronized (recentFailures) {
            failuresNow = List.copyOf(recentFailures);
        }
        return new TrafficStats(running, startedAt, startedAt == null ? 0 : TimeUnit.NANOSECONDS.toSeconds(end - startedNanos),
                requests.get(), failures.get(), reads.get(), inserts.get(), updates.get(), latencies.percentileMillis(0.99),
                TimeUnit.NANOSECONDS.toMillis(maxNanos.get()), failuresNow);
    }

    private void learnIdRange() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (true) {
            Targets.Target target = targets.next();
            try {
                if (target != null) {
                    JsonNode first = call(target, HttpRequest.newBuilder(uri(target, "/customers?size=1")).GET(), 200);
                    long total = first.path("totalElements").asLong();
                    if (total > 0) {
                        lowId = first.path("content").get(0).path("id").asLong();
                        JsonNode last = call(target, HttpRequest.newBuilder(uri(target, "/customers?size=1&page=" + (total - 1))).GET(), 200);
                        highId = last.path("content").get(0).path("id").asLong();
                    }
                    return;
                }
            } catch (RequestFailed e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("traffic generator: no instance answered GET /customers within a minute: " + e.getMessage());
                }
            }
            Thread.sleep(500);
        }
    }

    private void work(int worker) {
        long end = startedNanos + settings.duration().toNanos();
        while (running && System.nanoTime() < end) {
            try {
                awaitSlot();
                Targets.Target target = targets.next();
                if (target == null) {
                    Thread.sleep(100); // every instance drained: nothing sent, nothing counted
                    continue;
                }
                oneRequest(target, worker);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("Traffic generator worker {} stopped by a bug", worker, e);
                return;
            }
        }
        running = false;
        if (stoppedNanos == 0) {
            stoppedNanos = System.nanoTime();
        }
    }

    /** Spaces the requests of all workers {@code 1 / rate} apart; a worker that fell behind does not make up for it in a burst. */
    private void awaitSlot() throws InterruptedException {
        long now = System.nanoTime();
        long slot = Math.max(now, nextSlot.getAndUpdate(s -> Math.max(s, now) + intervalNanos));
        long wait = slot - now;
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private void oneRequest(Targets.Target target, int worker) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int roll = random.nextInt(100);
        long start = System.nanoTime();
        String what = "";
        try {
            if (roll < 15 || (highId == 0 && insertedCount.get() == 0)) {
                what = "POST /customers";
                inserts.incrementAndGet();
                insert(target, random);
            } else if (roll < 30 && highId > 0) {
                long id = seededIdOf(worker, random);
                what = "PUT /customers/" + id;
                updates.incrementAndGet();
                update(target, id, random);
            } else {
                long id = readableId(random);
                what = "GET /customers/" + id;
                reads.incrementAndGet();
                checkBothFields(call(target, HttpRequest.newBuilder(uri(target, "/customers/" + id)).GET(), 200));
            }
        } catch (RequestFailed e) {
            failed(target.baseUrl() + " " + what + ": " + e.getMessage());
        } finally {
            long took = System.nanoTime() - start;
            latencies.record(took);
            maxNanos.accumulateAndGet(took, Math::max);
            requests.incrementAndGet();
        }
    }

    private void insert(Targets.Target target, ThreadLocalRandom random) {
        long n = random.nextLong(1_000_000_000L);
        String email = "new" + n + "@example.com";
        long cents = random.nextLong(1_000_000L);
        JsonNode created = call(target, HttpRequest.newBuilder(uri(target, "/customers")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body("Customer " + n, email, cents, random))), 201);
        checkWritten(created, email, cents);
        long slot = insertedCount.getAndIncrement();
        inserted.set((int) (slot % INSERTED_KEPT), created.path("id").asLong());
    }

    private void update(Targets.Target target, long id, ThreadLocalRandom random) {
        String email = "c" + id + "-" + random.nextInt(1_000_000) + "@example.com";
        long cents = random.nextLong(1_000_000L);
        JsonNode updated = call(target, HttpRequest.newBuilder(uri(target, "/customers/" + id)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body(null, email, cents, random))), 200);
        checkWritten(updated, email, cents);
    }

    /** A request body that sends the old or the new field of each migration, at random. */
    private static String body(String name, String email, long cents, ThreadLocalRandom random) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        if (name != null) {
            body.put("name", name);
        }
        body.put(random.nextBoolean() ? "email" : "emailAddress", email);
        if (random.nextBoolean()) {
            body.put("creditLimitCents", cents);
        } else {
            body.put("creditLimit", BigDecimal.valueOf(cents, 2));
        }
        return JSON.writeValueAsString(body);
    }

    /** A seeded row this worker alone updates. */
    private long seededIdOf(int worker, ThreadLocalRandom random) {
        int workerCount = settings.workers();
        long span = highId - lowId + 1;
        long id = lowId + random.nextLong(span);
        long shifted = id - Math.floorMod(id, (long) workerCount) + worker;
        return shifted > highId ? shifted - workerCount : shifted < lowId ? shifted + workerCount : shifted;
    }

    private long readableId(ThreadLocalRandom random) {
        long insertedSoFar = insertedCount.get();
        if (highId == 0 || (insertedSoFar > 0 && random.nextInt(4) == 0)) {
            long slot = random.nextLong(Math.min(insertedSoFar, INSERTED_KEPT));
            long id = inserted.get((int) slot);
            if (id != 0) {
                return id;
            }
        }
        return lowId + random.nextLong(highId - lowId + 1);
    }

    private static void checkWritten(JsonNode customer, String email, long cents) {
        checkBothFields(customer);
        if (!email.equals(customer.path("email").asString()) || customer.path("creditLimitCents").asLong() != cents) {
            throw new RequestFailed("the answer does not show what was written (email " + email + ", cents " + cents + "): " + customer);
        }
    }

    /** Both fields of each migration must tell the same, in every phase. */
    private static void checkBothFields(JsonNode customer) {
        String email = customer.path("email").asString(null);
        JsonNode cents = customer.path("creditLimitCents");
        JsonNode amount = customer.path("creditLimit");
        if (email == null || !email.equals(customer.path("emailAddress").asString(null))
                || !cents.isNumber() || !amount.isNumber() || BigDecimal.valueOf(cents.asLong(), 2).compareTo(amount.decimalValue()) != 0) {
            throw new RequestFailed("the two fields of a migration disagree: " + customer);
        }
    }

    private JsonNode call(Targets.Target target, HttpRequest.Builder request, int expectedStatus) {
        HttpResponse<String> response;
        try {
            response = target.client().send(request.header("Accept", "application/json")
                    .timeout(Duration.ofSeconds(TIMEOUT_SECONDS)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new RequestFailed("no answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RequestFailed("interrupted");
        }
        if (response.statusCode() != expectedStatus) {
            throw new RequestFailed("status " + response.statusCode() + " (expected " + expectedStatus + "): " + abbreviate(response.body()));
        }
        try {
            return JSON.readTree(Objects.requireNonNullElse(response.body(), ""));
        } catch (RuntimeException e) {
            throw new RequestFailed("not JSON: " + abbreviate(response.body()));
        }
    }

    private void failed(String message) {
        failures.incrementAndGet();
        log.warn("Traffic generator: request failed: {}", message);
        synchronized (recentFailures) {
            recentFailures.addLast(Instant.now() + " " + message);
            while (recentFailures.size() > FAILURES_KEPT) {
                recentFailures.removeFirst();
            }
        }
    }

    private static URI uri(Targets.Target target, String path) {
        return URI.create(target.baseUrl() + path);
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    /** A request that failed, with the reason. */
    private static final class RequestFailed extends RuntimeException {
        RequestFailed(String message) {
            super(message, null, false, false);
        }
    }
}
