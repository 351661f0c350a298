package io.github.expandcontract.liquibase;

import io.github.expandcontract.testsupport.PostgresTestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An application writer: single-row updates of random rows in auto-commit, a few milliseconds
 * apart, each one timed from the moment it is sent until PostgreSQL answers.
 */
final class WriterProbe implements AutoCloseable {

    private final Thread thread;
    private final List<Long> latenciesNanos = Collections.synchronizedList(new ArrayList<>());
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;

    WriterProbe(PostgresTestDatabase db, String table, int maxId) {
        thread = new Thread(() -> {
            try (Connection connection = db.connect();
                 PreparedStatement update = connection.prepareStatement("update " + table + " set visits = visits + 1 where id = ?")) {
                while (running) {
                    update.setLong(1, ThreadLocalRandom.current().nextInt(1, maxId + 1));
                    long started = System.nanoTime();
                    update.executeUpdate();
                    latenciesNanos.add(System.nanoTime() - started);
                    Thread.sleep(2);
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "writer-probe");
        thread.start();
    }

    /** Stops the writer and returns what it saw. */
    Result stop() throws InterruptedException {
        running = false;
        thread.join(30_000);
        if (failure.get() != null) {
            throw new AssertionError("the writer failed", failure.get());
        }
        List<Long> sorted;
        synchronized (latenciesNanos) {
            sorted = new ArrayList<>(latenciesNanos);
        }
        Collections.sort(sorted);
        return new Result(sorted.size(), Duration.ofNanos(sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1)),
                Duration.ofNanos(sorted.isEmpty() ? 0 : sorted.get((int) (sorted.size() * 0.99))));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(30_000);
    }

    record Result(int updates, Duration max, Duration p99) {
        @Override
        public String toString() {
            return updates + " updates, max " + max.toMillis() + " ms, p99 " + p99.toMillis() + " ms";
        }
    }
}
