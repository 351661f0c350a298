package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.actuate.ExpandContractEndpoint;
import io.github.expandcontract.actuate.MigrationReport;
import io.github.expandcontract.autoconfigure.entities.owner.Owner;
import io.github.expandcontract.backfill.BackfillCoordinator;
import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.fleet.InstanceRegistry;
import io.github.expandcontract.hibernate.ExpandContractIntegrator;
import io.github.expandcontract.migration.MigrationConfigurationException;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A rolling deploy played by Spring Boot applications sharing one PostgreSQL schema: two instances
 * move {@code owner-phone} from expand to contract one restart at a time while writer threads keep
 * writing through whichever instances are up (a load balancer that drains an instance before it
 * stops). The allowed order works with no failed write and no lost or mismatched value; the
 * forbidden ones fail startup with the rule's message.
 */
class RollingDeployTests {

    static final String ID = Owner.MIGRATION;
    static final int SEED = 300;
    static final int WRITERS = 3;

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({ DataSourceAutoConfiguration.class, HibernateJpaAutoConfiguration.class,
            TransactionAutoConfiguration.class, ExpandContractAutoConfiguration.class, ExpandContractFleetAutoConfiguration.class,
            ExpandContractBackfillAutoConfiguration.class })
    @AutoConfigurationPackage(basePackageClasses = Owner.class)
    static class App {
    }

    /** One running application; writes hold its read lock, so a drain waits for them before the context closes. */
    static final class Instance {
        final String name;
        final String phase;
        final ConfigurableApplicationContext context;
        final ReadWriteLock drain = new ReentrantReadWriteLock();
        volatile boolean serving = true;

        Instance(String name, String phase, ConfigurableApplicationContext context) {
            this.name = name;
            this.phase = phase;
            this.context = context;
        }
    }

    PostgresTestDatabase db;
    final List<Instance> fleet = new CopyOnWriteArrayList<>();
    final AtomicBoolean writing = new AtomicBoolean();
    final List<Thread> writers = new ArrayList<>();
    final List<Throwable> failedWrites = new CopyOnWriteArrayList<>();
    final AtomicInteger writes = new AtomicInteger();
    /** What each row's phone must be: every writer owns the ids congruent to its number, so its last write wins. */
    final Map<Long, String> expected = new ConcurrentHashMap<>();
    final AtomicInteger readMismatches = new AtomicInteger();

    @BeforeEach
    void setUp() {
        db = PostgresTestDatabase.forClass(RollingDeployTests.class);
        db.execute(Owner.DDL, "insert into owners select g, 'tel-' || g, null from generate_series(1, " + SEED + ") g");
        for (long id = 1; id <= SEED; id++) {
            expected.put(id, "tel-" + id);
        }
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        stopWriters();
        fleet.forEach(i -> i.context.close());
        db.close();
    }

    private ConfigurableApplicationContext run(String phase, String... extra) {
        List<String> properties = new ArrayList<>(List.of("spring.datasource.url=" + db.jdbcUrl(),
                "spring.datasource.username=" + db.user(), "spring.datasource.password=" + db.password(),
                "spring.datasource.hikari.maximum-pool-size=4", "spring.jpa.hibernate.ddl-auto=none",
                "expand-contract.migrations." + ID + ".phase=" + phase,
                "expand-contract.migrations." + ID + ".bake-in=0s",
                "expand-contract.migrations." + ID + ".backfill.traffic-duty-cycle=1",
                "expand-contract.instances.heartbeat-interval=200ms", "expand-contract.instances.timeout=2s"));
        properties.addAll(List.of(extra));
        return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).logStartupInfo(false)
                .properties(properties.toArray(String[]::new)).run();
    }

    private Instance start(String name, String phase, String... extra) {
        Instance instance = new Instance(name, phase, run(phase, extra));
        fleet.add(instance);
        return instance;
    }

    /** Drains the instance (the balancer stops sending it writes, in-flight ones finish), then stops it cleanly. */
    private void stop(Instance instance) {
        instance.drain.writeLock().lock();
        try {
            instance.serving = false;
            fleet.remove(instance);
        } finally {
            instance.drain.writeLock().unlock();
        }
        instance.context.close();
    }

    /** A rolling restart of one instance into the phase. */
    private Instance roll(Instance old, String phase) {
        stop(old);
        return start(old.name, phase);
    }

    private void startWriters() {
        writing.set(true);
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            Thread thread = new Thread(() -> {
                long nextInsert = 1_000_000L * (writer + 1);
                while (writing.get()) {
                    List<Instance> up = fleet.stream().filter(i -> i.serving).toList();
                    if (up.isEmpty()) {
                        Thread.onSpinWait();
                        continue;
                    }
                    Instance target = up.get(ThreadLocalRandom.current().nextInt(up.size()));
                    if (!target.drain.readLock().tryLock()) {
                        continue; // being drained: the balancer sends the write elsewhere
                    }
                    try {
                        if (!target.serving) {
                            continue;
                        }
                        boolean insert = ThreadLocalRandom.current().nextInt(5) == 0;
                        long id = insert ? nextInsert++ : pick(writer);
                        String phone = "w" + writer + "-" + System.nanoTime();
                        write(target, id, phone, insert);
                        expected.put(id, phone);
                        writes.incrementAndGet();
                    } catch (RuntimeException e) {
                        failedWrites.add(e);
                    } finally {
                        target.drain.readLock().unlock();
                    }
                }
            }, "writer-" + writer);
            thread.start();
            writers.add(thread);
        }
    }

    private static long pick(int writer) {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong(1, SEED + 1);
        } while (id % WRITERS != writer);
        return id;
    }

    /** Writes through the old field and reads the row back in a new transaction: it must show what was written. */
    private void write(Instance target, long id, String phone, boolean insert) {
        JpaTestSupport.inTransaction(target.context, em -> {
            if (insert) {
                em.persist(new Owner(id, phone));
            } else {
                em.find(Owner.class, id).setTelephone(phone);
            }
        });
        JpaTestSupport.inTransaction(target.context, em -> {
            Owner read = em.find(Owner.class, id);
            if (!phone.equals(read.getTelephone()) || !phone.equals(read.getPhoneNumber())) {
                readMismatches.incrementAndGet();
            }
        });
    }

    private void stopWriters() throws InterruptedException {
        writing.set(false);
        for (Thread writer : writers) {
            writer.join(10_000);
        }
        writers.clear();
    }

    private void startupFails(String phase, String... messages) {
        assertThatThrownBy(() -> run(phase).close()).satisfies(failure -> {
            Throwable root = JpaTestSupport.rootCause(failure);
            assertThat(root).isInstanceOf(MigrationConfigurationException.class);
            for (String message : messages) {
                assertThat(root.getMessage()).contains(message);
            }
        });
    }

    private static String instanceId(Instance instance) {
        return instance.context.getBean(InstanceRegistry.class).instanceId();
    }

    private MigrationReport report(Instance instance) {
        ConfigurableApplicationContext c = instance.context;
        return new ExpandContractEndpoint(c.getBean(ExpandContractIntegrator.class)::catalog, c.getBean(BackfillCoordinator.class),
                c.getBean(InstanceRegistry.class), Duration.ofSeconds(5), c.getBean(ExpandContractSettings.class).fleet()::rolloutOf)
                .migration(ID);
    }

    @Test
    void aFullRenameRollsThroughEveryPhaseUnderContinuousWrites() throws Exception {
        Instance a = start("a", "expand");
        Instance b = start("b", "expand");
        startWriters();

        startupFails("backfill", "'" + ID + "'", "phase backfill is more than one step away from phase expand");
        // forced in next to expand: it starts, is recorded, and its backfill waits for the expand instances
        Instance forced = start("forced", "backfill", "expand-contract.migrations." + ID + ".force-phase=true");
        MigrationReport waiting = report(forced);
        assertThat(waiting.backfill().status()).hasToString("NOT_STARTED");
        assertThat(waiting.backfill().waitingFor()).containsExactlyInAnyOrder(instanceId(a), instanceId(b));
        assertThat(waiting.overrides()).singleElement().satisfies(o -> {
            assertThat(o.instanceId()).isEqualTo(instanceId(forced));
            assertThat(o.phase()).isEqualTo("backfill");
            assertThat(o.overridden()).startsWith("phase-distance: phase backfill is more than one step away from phase expand");
        });
        stop(forced);
        a = roll(a, "dual-write");
        MigrationReport mixed = report(a);
        assertThat(mixed.fleet().phases()).containsValues("expand", "dual-write").hasSize(2);
        assertThat(mixed.fleet().readNewAllowed()).isFalse();
        assertThat(mixed.fleet().reason()).contains("read-new: phase-distance");
        b = roll(b, "dual-write");

        a = roll(a, "backfill");
        BackfillCoordinator coordinator = a.context.getBean(BackfillCoordinator.class);
        b = roll(b, "backfill");
        await("backfill verified", () -> coordinator.verification(ID).status() == VerificationStatus.PASSED);
        startupFails("contract", "phase contract is more than one step away from phase backfill");

        a = roll(a, "read-new");
        a = roll(a, "backfill"); // going back from read-new is allowed
        a = roll(a, "read-new");
        b = roll(b, "read-new");
        MigrationReport atReadNew = report(b);
        assertThat(atReadNew.fleet().contractAllowed()).as(String.valueOf(atReadNew.fleet().reason())).isTrue();
        assertThat(atReadNew.verification().mismatches()).isZero();
        startupFailsWithBakeIn();

        a = roll(a, "contract");
        b = roll(b, "contract");
        Thread.sleep(300); // some writes in contract
        stopWriters();

        assertThat(failedWrites).as("failed writes").isEmpty();
        assertThat(writes.get()).isGreaterThan(50);
        assertThat(readMismatches.get()).as("reads that did not show the value just written").isZero();
        assertThat(mismatchesWithExpected()).as("rows whose new column lost a write").isZero();
        startupFails("read-new", "Going back from contract is refused", "reverse-backfill=true");
    }

    /** contract before a 1 h bake-in at read-new has passed: refused with the time left. */
    private void startupFailsWithBakeIn() {
        assertThatThrownBy(() -> run("contract", "expand-contract.migrations." + ID + ".bake-in=1h").close())
                .satisfies(failure -> assertThat(JpaTestSupport.rootCause(failure).getMessage())
                        .contains("of its bake-in of 1h: ", " left."));
    }

    private long mismatchesWithExpected() throws SQLException {
        long mismatches = 0;
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select id, phone_number from owners")) {
            int rows = 0;
            while (rs.next()) {
                rows++;
                if (!expected.getOrDefault(rs.getLong(1), "(none)").equals(rs.getString(2))) {
                    mismatches++;
                }
            }
            assertThat(rows).isEqualTo(expected.size());
        }
        return mismatches;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(50);
        }
    }
}
