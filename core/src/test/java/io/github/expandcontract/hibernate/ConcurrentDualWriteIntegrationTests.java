package io.github.expandcontract.hibernate;

import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import jakarta.persistence.OptimisticLockException;
import org.hibernate.SessionFactory;
import org.hibernate.StaleStateException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrent writers in {@code dual-write}: 8 threads x 500 updates on 100 rows, each update through
 * a randomly chosen field. Afterwards every row has old = new, equal to the last committed value.
 */
class ConcurrentDualWriteIntegrationTests {

    static final int THREADS = 8;
    static final int UPDATES_PER_THREAD = 500;
    static final int ROWS = 100;

    static PostgresTestDatabase db;
    static SessionFactory sf;

    record Committed(int version, String value) {
    }

    @BeforeAll
    static void setUp() {
        db = PostgresTestDatabase.forClass(ConcurrentDualWriteIntegrationTests.class);
        db.execute(Customer.DDL.split(";"));
        db.execute(Supplier.DDL);
        db.execute("insert into customers (id, name, email, email_address, version) "
                        + "select g, 'c' || g, 'seed' || g || '@example', null, 0 from generate_series(1, " + ROWS + ") g",
                "insert into suppliers (id, phone, phone_number) select g, 'seed' || g, null from generate_series(1, " + ROWS + ") g");
        sf = TestSessionFactories.build(db, Map.of("customer-email", Phase.DUAL_WRITE, "contact-phone", Phase.DUAL_WRITE),
                Map.of(), Customer.class, Supplier.class);
    }

    @AfterAll
    static void tearDown() {
        if (sf != null) {
            sf.close();
        }
        db.close();
    }

    @Test
    void versionedUpdatesThroughEitherFieldEndWithOldEqualNewEqualLastCommitted() throws Exception {
        Map<Long, Committed> oracle = new ConcurrentHashMap<>();
        AtomicInteger retries = new AtomicInteger();
        runConcurrently(thread -> {
            for (int i = 0; i < UPDATES_PER_THREAD; i++) {
                long id = 1 + ThreadLocalRandom.current().nextInt(ROWS);
                String value = "t" + thread + "-" + i + "@example";
                boolean throughOldField = ThreadLocalRandom.current().nextBoolean();
                while (true) {
                    try {
                        Committed committed = sf.fromTransaction(session -> {
                            Customer customer = session.find(Customer.class, id);
                            if (throughOldField) {
                                customer.email = value;
                            } else {
                                customer.emailAddress = value;
                            }
                            session.flush();
                            return new Committed(customer.version, value);
                        });
                        // record after commit: the version says which commit is the last one
                        oracle.merge(id, committed, (a, b) -> a.version() >= b.version() ? a : b);
                        break;
                    } catch (OptimisticLockException | StaleStateException e) {
                        retries.incrementAndGet();
                    }
                }
            }
        });

        int versionsTotal = 0;
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select id, email, email_address, version from customers order by id")) {
            while (rs.next()) {
                long id = rs.getLong("id");
                Committed last = oracle.get(id);
                int version = rs.getInt("version");
                versionsTotal += version;
                if (last == null) {
                    assertThat(version).isZero();
                    continue;
                }
                assertThat(rs.getString("email")).as("row %d old column", id).isEqualTo(last.value());
                assertThat(rs.getString("email_address")).as("row %d new column", id).isEqualTo(last.value());
                assertThat(version).as("row %d version", id).isEqualTo(last.version());
            }
        }
        assertThat(versionsTotal).as("every committed update wrote exactly one new version").isEqualTo(THREADS * UPDATES_PER_THREAD);
        assertThat(retries.get()).as("the writers really did collide").isPositive();
    }

    @Test
    void unversionedUpdatesWithoutDynamicUpdateNeverLeaveOldAndNewApart() throws Exception {
        runConcurrently(thread -> {
            for (int i = 0; i < UPDATES_PER_THREAD; i++) {
                long id = 1 + ThreadLocalRandom.current().nextInt(ROWS);
                String value = "t" + thread + "-" + i;
                boolean throughOldField = ThreadLocalRandom.current().nextBoolean();
                sf.inTransaction(session -> {
                    Supplier supplier = session.find(Supplier.class, id);
                    if (throughOldField) {
                        supplier.phone = value;
                    } else {
                        supplier.phoneNumber = value;
                    }
                });
            }
        });
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from suppliers where phone is distinct from phone_number")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    interface Writer {
        void run(int thread) throws Exception;
    }

    private static void runConcurrently(Writer writer) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    writer.run(thread);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
