package io.github.expandcontract.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * An application-like write load: {@code threads} threads, each on its own connection in
 * autocommit, each sending {@code update <table> set payload = ? where id = ?} for a random id at
 * a fixed pace. Bounded: it stops when told, after {@code maxTime}, or after {@code maxOpsPerThread}
 * updates per thread, whichever comes first. Latency is the time from sending one update to its
 * answer (service time).
 */
final class LoadGenerator {

    /** The latencies of the updates that started inside a time window. */
    record Result(long[] sortedNanos, int errors, double seconds) {
        long count() {
            return sortedNanos.length;
        }

        double percentileMillis(double q) {
            if (sortedNanos.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(q * sortedNanos.length) - 1;
            return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))] / 1e6;
        }

        double maxMillis() {
            return sortedNanos.length == 0 ? Double.NaN : sortedNanos[sortedNanos.length - 1] / 1e6;
        }

        double opsPerSecond() {
            return seconds <= 0 ? 0 : sortedNanos.length / seconds;
        }

        long countOver(double millis) {
            return Arrays.stream(sortedNanos).filter(n -> n > millis * 1e6).count();
        }
    }

    private final String url;
    private final String user;
    private final String password;
    private final String table;
    private final long maxId;
    private final int threads;
    private final double ratePerThread;
    private final Duration maxTime;
    private final int maxOpsPerThread;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger errors = new AtomicInteger();
    private final List<Thread> workers = new ArrayList<>();
    private final List<long[][]> samples = new ArrayList<>(); // per thread: {startNanos[], latencyNanos[], id[]}
    private final List<AtomicInteger> counts = new ArrayList<>();

    LoadGenerator(String url, String user, String password, String table, long maxId, int threads, double ratePerThread,
                  Duration maxTime, int maxOpsPerThread) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.table = table;
        this.maxId = maxId;
        this.threads = threads;
        this.ratePerThread = ratePerThread;
        this.maxTime = maxTime;
        this.maxOpsPerThread = maxOpsPerThread;
    }

    /** Opens the connections first (so connecting is not measured), then starts the threads. */
    void start() throws SQLException {
        List<Connection> connections = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Connection c = DriverManager.getConnection(url, user, password);
            c.setAutoCommit(true);
            String synchronousCommit = System.getProperty("bench.loadSynchronousCommit");
            if (synchronousCommit != null) { // diagnostic only: tells WAL-flush waits from CPU waits
                try (var s = c.createStatement()) {
                    s.execute("set synchronous_commit = " + (synchronousCommit.equals("off") ? "off" : "on"));
                }
            }
            connections.add(c);
        }
        long deadline = System.nanoTime() + maxTime.toNanos();
        long interval = (long) (1e9 / ratePerThread);
        for (int i = 0; i < threads; i++) {
            long[][] mine = {new long[maxOpsPerThread], new long[maxOpsPerThread], new long[maxOpsPerThread]};
            AtomicInteger count = new AtomicInteger();
            samples.add(mine);
            counts.add(count);
            Connection c = connections.get(i);
            Thread t = new Thread(() -> work(c, mine, count, interval, deadline), "bench-load-" + i);
            t.setDaemon(true);
            workers.add(t);
        }
        workers.forEach(Thread::start);
    }

    private void work(Connection c, long[][] mine, AtomicInteger count, long interval, long deadline) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] payload = new char[100];
        try (c; PreparedStatement ps = c.prepareStatement("update " + table + " set payload = ? where id = ?")) {
            long next = System.nanoTime() + random.nextLong(interval); // spread the threads' phases
            int n = 0;
            while (!stop.get() && n < maxOpsPerThread) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    break;
                }
                if (now < next) {
                    LockSupport.parkNanos(next - now);
                }
                next += interval;
                if (System.nanoTime() - next > interval) {
                    next = System.nanoTime(); // fell behind (a slow update): no catch-up burst
                }
                for (int k = 0; k < payload.length; k++) {
                    payload[k] = (char) ('a' + random.nextInt(26));
                }
                ps.setString(1, new String(payload));
                long id = 1 + random.nextLong(maxId);
                ps.setLong(2, id);
                long start = System.nanoTime();
                try {
                    ps.executeUpdate();
                } catch (SQLException e) {
                    errors.incrementAndGet();
                    continue;
                }
                mine[0][n] = start;
                mine[1][n] = System.nanoTime() - start;
                mine[2][n] = id;
                n++;
                count.set(n);
            }
        } catch (SQLException e) {
            errors.incrementAndGet();
        }
    }

    /** Stops the threads and waits for them. */
    void stop() throws InterruptedException {
        stop.set(true);
        for (Thread t : workers) {
            t.join(30_000);
        }
    }

    /** One update: when it was sent, how long it took, which row. */
    record Sample(long startNanos, long nanos, long id) {
    }

    /** The updates that started in [fromNanos, toNanos). */
    List<Sample> samples(long fromNanos, long toNanos) {
        List<Sample> all = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            long[][] mine = samples.get(i);
            int n = counts.get(i).get();
            for (int k = 0; k < n; k++) {
                if (mine[0][k] >= fromNanos && mine[0][k] < toNanos) {
                    all.add(new Sample(mine[0][k], mine[1][k], mine[2][k]));
                }
            }
        }
        return all;
    }

    int errors() {
        return errors.get();
    }

    /** Latency statistics of some samples that took {@code seconds} of wall time. */
    static Result result(List<Sample> samples, int errors, double seconds) {
        return new Result(samples.stream().mapToLong(Sample::nanos).sorted().toArray(), errors, seconds);
    }
}
