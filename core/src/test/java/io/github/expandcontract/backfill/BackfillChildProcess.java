package io.github.expandcontract.backfill;

import io.github.expandcontract.DualWrite;
import io.github.expandcontract.FillNulls;
import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.hibernate.ExpandContractIntegrator;
import io.github.expandcontract.migration.MigrationCatalog;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationResult;
import io.github.expandcontract.verify.VerificationStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.BootstrapServiceRegistryBuilder;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A separate JVM that plays one application instance in phase {@code backfill}: it builds a
 * Hibernate SessionFactory for {@link Item} (table {@value #TABLE}), runs a
 * {@link BackfillCoordinator} and exits 0 once the backfill is COMPLETED and its verification
 * PASSED or FAILED, printing progress lines ({@code CHILD ...}) to stdout. The engine's own log
 * (logback-test.xml, INFO) goes to stdout too, one line per batch because the progress log
 * interval is zero.
 * <p>
 * Arguments: jdbc url, user, password, instance id, lease seconds, batch size, max rows per
 * second (0 = no cap). The batch size is fixed (min = max), so "one batch" is a known number of
 * rows. Every connection of the child carries the instance id as its PostgreSQL
 * {@code application_name}, so tests can attribute writes (e.g. in an audit trigger) and
 * backends to an instance.
 */
public final class BackfillChildProcess {

    public static final String MIGRATION = "backfill-item-label";
    public static final String TABLE = "backfill_items";

    /** Exit codes besides 0. */
    static final int EXIT_USAGE = 2;
    static final int EXIT_BACKFILL_FAILED = 3;
    static final int EXIT_TIMEOUT = 4;

    @Entity(name = "BackfillItem")
    @Table(name = TABLE)
    public static class Item {
        @Id Long id;
        @Column(name = "label") String label;
        @Column(name = "label_copy") @DualWrite(migration = MIGRATION, from = "label") String labelCopy;
    }

    /**
     * The same table as a {@code @FillNulls} migration of the same id: {@code label_copy} NULLs are
     * filled with {@value #FILLED}. Chosen with the system property {@value #FILL_NULLS_PROPERTY}.
     */
    @Entity(name = "BackfillFilledItem")
    @Table(name = TABLE)
    public static class FilledItem {
        @Id Long id;
        @Column(name = "label") String label;
        @Column(name = "label_copy") @FillNulls(migration = MIGRATION, value = FILLED) String labelCopy;
    }

    public static final String FILLED = "filled";
    static final String FILL_NULLS_PROPERTY = "backfill.child.fill-nulls";

    private BackfillChildProcess() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7 && args.length != 8) {
            System.out.println("CHILD usage: <jdbc url> <user> <password> <instance id> <lease seconds> <batch size> <max rows/s> "
                    + "[<ms added to each verification chunk>]");
            System.exit(EXIT_USAGE);
        }
        String url = args[0];
        String user = args[1];
        String password = args[2];
        String instanceId = args[3];
        int leaseSeconds = Integer.parseInt(args[4]);
        int batchSize = Integer.parseInt(args[5]);
        double maxRowsPerSecond = Double.parseDouble(args[6]);
        Duration slowVerificationChunk = Duration.ofMillis(args.length > 7 ? Long.parseLong(args[7]) : 0);
        System.out.println("CHILD " + instanceId + " pid=" + ProcessHandle.current().pid() + " starting: lease " + leaseSeconds
                + "s, batch " + batchSize + ", max " + maxRowsPerSecond + " rows/s, verification chunk delay " + slowVerificationChunk);

        BackfillSettings settings = settings(leaseSeconds, batchSize, maxRowsPerSecond);
        String urlWithName = withApplicationName(url, instanceId);
        int exit;
        try (Application app = Application.start(urlWithName, user, password);
             BackfillCoordinator coordinator = new BackfillCoordinator(
                     slowVerification(dataSource(urlWithName, user, password), slowVerificationChunk), app.catalog(), id -> settings,
                     instanceId)) {
            coordinator.start();
            System.out.println("CHILD " + instanceId + " coordinator started");
            exit = awaitEnd(coordinator, instanceId);
        }
        // the coordinator is closed: its lease is released
        System.out.println("CHILD " + instanceId + " exiting with " + exit);
        System.exit(exit);
    }

    private static int awaitEnd(BackfillCoordinator coordinator, String instanceId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        String last = "";
        long lastPrinted = 0;
        while (System.nanoTime() < deadline) {
            BackfillProgress progress = coordinator.progress(MIGRATION);
            VerificationResult verification = coordinator.verification(MIGRATION);
            String line = "status=" + progress.status() + " rowsProcessed=" + progress.rowsProcessed() + " lastKey="
                    + progress.lastKey() + " leaseOwner=" + progress.leaseOwner() + " verification=" + verification.status();
            if (!line.equals(last) && System.nanoTime() - lastPrinted > Duration.ofMillis(500).toNanos()) {
                System.out.println("CHILD " + instanceId + " progress " + line);
                last = line;
                lastPrinted = System.nanoTime();
            }
            if (progress.status() == BackfillStatus.FAILED) {
                System.out.println("CHILD " + instanceId + " backfill FAILED: " + progress.lastError());
                return EXIT_BACKFILL_FAILED;
            }
            if (progress.status() == BackfillStatus.COMPLETED
                    && (verification.status() == VerificationStatus.PASSED || verification.status() == VerificationStatus.FAILED)) {
                System.out.println("CHILD " + instanceId + " done backfill=" + progress.status() + " rowsProcessed="
                        + progress.rowsProcessed() + " verification=" + verification.status() + " rowsChecked="
                        + verification.rowsChecked() + " mismatches=" + verification.mismatches());
                return 0;
            }
            Thread.sleep(100);
        }
        System.out.println("CHILD " + instanceId + " timed out waiting for the backfill and its verification");
        return EXIT_TIMEOUT;
    }

    /** A fixed batch size (min = max = batchSize) and a progress line for every batch. */
    static BackfillSettings settings(int leaseSeconds, int batchSize, double maxRowsPerSecond) {
        return new BackfillSettings(batchSize, batchSize, batchSize, Duration.ofMillis(500), maxRowsPerSecond, Duration.ZERO,
                Duration.ofSeconds(2), Duration.ofSeconds(leaseSeconds), Duration.ZERO);
    }

    static String withApplicationName(String url, String applicationName) {
        return url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + URLEncoder.encode(applicationName, StandardCharsets.UTF_8);
    }

    static PGSimpleDataSource dataSource(String url, String user, String password) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(url);
        dataSource.setUser(user);
        dataSource.setPassword(password);
        return dataSource;
    }

    /**
     * Delays the verifier's mismatch count, one per chunk of its keyset walk ({@code select count(*) from
     * ... is distinct from ...}), so that a verification lasts a known while; every other statement
     * (the backfill's windows, the state table) runs at full speed.
     */
    static DataSource slowVerification(DataSource target, Duration delay) {
        if (delay.isZero()) {
            return target;
        }
        return (DataSource) Proxy.newProxyInstance(BackfillChildProcess.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(target, method, args);
                    if (!method.getName().equals("getConnection")) {
                        return result;
                    }
                    Connection connection = (Connection) result;
                    return Proxy.newProxyInstance(BackfillChildProcess.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (p, m, a) -> {
                                if (m.getName().equals("prepareStatement") && a[0] instanceof String sql
                                        && sql.contains("select count(*) from") && sql.contains("is distinct from")) {
                                    Thread.sleep(delay.toMillis());
                                }
                                return invoke(connection, m, a);
                            });
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The application: a SessionFactory in phase backfill for {@link Item}; it also creates the state tables. */
    record Application(SessionFactory sessionFactory, MigrationCatalog catalog) implements AutoCloseable {

        static Application start(String url, String user, String password) {
            ExpandContractIntegrator integrator = new ExpandContractIntegrator(new ExpandContractSettings(Map.of(MIGRATION, Phase.BACKFILL)));
            var registry = new StandardServiceRegistryBuilder(new BootstrapServiceRegistryBuilder().applyIntegrator(integrator).build())
                    .applySettings(Map.of("jakarta.persistence.jdbc.url", url, "jakarta.persistence.jdbc.user", user,
                            "jakarta.persistence.jdbc.password", password))
                    .build();
            Class<?> entity = Boolean.getBoolean(FILL_NULLS_PROPERTY) ? FilledItem.class : Item.class;
            SessionFactory sessionFactory = new MetadataSources(registry).addAnnotatedClass(entity).buildMetadata().buildSessionFactory();
            return new Application(sessionFactory, integrator.catalog());
        }

        @Override
        public void close() {
            sessionFactory.close();
        }
    }

    // ---- used by the tests (parent JVM) ----

    /** Starts a child JVM on the test class path; stdout and stderr go to {@code log}. */
    static Process launch(PostgresTestDatabase db, String instanceId, int leaseSeconds, int batchSize, double maxRowsPerSecond,
                          Path log) throws IOException {
        return launch(db, instanceId, leaseSeconds, batchSize, maxRowsPerSecond, Duration.ZERO, log);
    }

    static Process launch(PostgresTestDatabase db, String instanceId, int leaseSeconds, int batchSize, double maxRowsPerSecond,
                          Duration slowVerificationChunk, Path log) throws IOException {
        return launch(db, instanceId, leaseSeconds, batchSize, maxRowsPerSecond, slowVerificationChunk, false, log);
    }

    /** @param fillNulls whether the child maps {@link FilledItem} (a {@code @FillNulls} migration) instead of {@link Item} */
    static Process launch(PostgresTestDatabase db, String instanceId, int leaseSeconds, int batchSize, double maxRowsPerSecond,
                          Duration slowVerificationChunk, boolean fillNulls, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-D" + FILL_NULLS_PROPERTY + "=" + fillNulls,
                BackfillChildProcess.class.getName(),
                db.jdbcUrl(), db.user(), db.password(), instanceId,
                String.valueOf(leaseSeconds), String.valueOf(batchSize), String.valueOf(maxRowsPerSecond),
                String.valueOf(slowVerificationChunk.toMillis()));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** target/child-logs/&lt;name&gt;, for debugging after a run. */
    static Path logFile(String name) {
        return Path.of("target", "child-logs", name + "-" + Instant.now().toEpochMilli() + ".log").toAbsolutePath();
    }

    static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String describe(Process process, Path log) {
        return "child pid " + process.pid() + (process.isAlive() ? " (alive)" : " (exit " + process.exitValue() + ")")
                + ", log " + log + ":" + System.lineSeparator() + tail(read(log), 4_000);
    }

    private static String tail(String text, int chars) {
        return text.length() <= chars ? text : "..." + text.substring(text.length() - chars);
    }
}
