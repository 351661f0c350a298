package io.github.expandcontract.hibernate;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.expandcontract.DualWrite;
import io.github.expandcontract.FillNulls;
import io.github.expandcontract.backfill.BackfillCoordinator;
import io.github.expandcontract.backfill.BackfillSettings;
import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.migration.MigrationConfigurationException;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.SessionFactory;
import org.hibernate.StaleStateException;
import org.hibernate.annotations.DynamicInsert;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.type.YesNoConverter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
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
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code @FillNulls} on the write and load paths: from dual-write on, no INSERT or UPDATE writes
 * NULL to the column, with and without {@code @DynamicUpdate}, under concurrent writers; read-new
 * shows the value for a NULL row without writing it; bad declarations fail startup.
 */
class FillNullsIntegrationTests {

    enum Status { NEW, PAID, SHIPPED }

    /** Static INSERT and UPDATE: every column is written every time. */
    @Entity(name = "FillOrder")
    @Table(name = "fill_orders")
    public static class Order {
        @Id Long id;
        String note;
        @Enumerated(EnumType.STRING) @Column(name = "status")
        @FillNulls(migration = "order-status", value = "NEW") Status status;
        @Version int version;
    }

    /** Only the changed columns are written; an INSERT leaves NULL columns out. */
    @Entity(name = "FillTicket")
    @Table(name = "fill_tickets")
    @DynamicUpdate
    @DynamicInsert
    public static class Ticket {
        @Id Long id;
        String note;
        @Column(name = "priority") @FillNulls(migration = "ticket-priority", value = "3") Integer priority;
        @Version int version;
    }

    /** The value as the column stores it: an ordinal, and the 'Y' of Hibernate's YesNoConverter. */
    @Entity(name = "FillCode")
    @Table(name = "fill_codes")
    public static class Code {
        @Id Long id;
        @Enumerated(EnumType.ORDINAL) @Column(name = "level") @FillNulls(migration = "code-level", value = "PAID") Status level;
        @Convert(converter = YesNoConverter.class) @Column(name = "active") @FillNulls(migration = "code-active", value = "true")
        Boolean active;
    }

    @Entity(name = "BothAnnotations")
    @Table(name = "fill_orders")
    public static class BothAnnotations {
        @Id Long id;
        String note;
        @Column(name = "status") @FillNulls(migration = "both", value = "x") @DualWrite(migration = "both-move", from = "note")
        String status;
    }

    @Entity(name = "SharedId")
    @Table(name = "fill_orders")
    public static class SharedId {
        @Id Long id;
        String note;
        @FillNulls(migration = "shared", value = "x") String status;
        @Column(name = "version") @DualWrite(migration = "shared", from = "note") String noteCopy;
    }

    @Entity(name = "BadValue")
    @Table(name = "fill_orders")
    public static class BadValue {
        @Id Long id;
        @Enumerated(EnumType.STRING) @FillNulls(migration = "bad-value", value = "NEWW") Status status;
    }

    @Entity(name = "PrimitiveField")
    @Table(name = "fill_tickets")
    public static class PrimitiveField {
        @Id Long id;
        @FillNulls(migration = "primitive", value = "3") int priority;
    }

    @Entity(name = "MissingColumn")
    @Table(name = "fill_tickets")
    public static class MissingColumn {
        @Id Long id;
        @Column(name = "urgency") @FillNulls(migration = "missing-column", value = "3") Integer urgency;
    }

    static final int ROWS = 200;
    PostgresTestDatabase db;

    @BeforeEach
    void setUp() {
        db = PostgresTestDatabase.forClass(FillNullsIntegrationTests.class);
        db.execute("create table fill_orders (id bigint primary key, note varchar(100), status varchar(20), version int not null)",
                "create table fill_tickets (id bigint primary key, note varchar(100), priority int, version int not null)",
                "insert into fill_orders select g, 'seed', case when g % 2 = 0 then 'PAID' end, 0 from generate_series(1, " + ROWS + ") g",
                "insert into fill_tickets select g, 'seed', case when g % 2 = 0 then 1 end, 0 from generate_series(1, " + ROWS + ") g");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private SessionFactory start(Phase phase, TestSessionFactories.SqlLog sql) {
        return TestSessionFactories.build(db, Map.of("order-status", phase, "ticket-priority", phase),
                Map.of("hibernate.session_factory.statement_inspector", sql), Order.class, Ticket.class);
    }

    private String column(String sql) {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : "<no row>";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void dualWriteFillsInsertsAndUpdatesThatWouldWriteNullAndTheEntityShowsTheValue() {
        try (SessionFactory sf = start(Phase.DUAL_WRITE, new TestSessionFactories.SqlLog())) {
            sf.inTransaction(session -> {
                Order order = new Order();
                order.id = 1001L;
                session.persist(order);
                Ticket ticket = new Ticket();
                ticket.id = 1001L;
                session.persist(ticket);
                session.flush();
                assertThat(order.status).as("the entity shows what was written").isEqualTo(Status.NEW);
                assertThat(ticket.priority).isEqualTo(3);
            });
            assertThat(column("select status from fill_orders where id = 1001")).isEqualTo("NEW");
            assertThat(column("select priority from fill_tickets where id = 1001")).as("@DynamicInsert too").isEqualTo("3");

            // set to NULL by the application: the value is written instead (static and dynamic UPDATE)
            sf.inTransaction(session -> {
                session.find(Order.class, 2L).status = null;
                session.find(Ticket.class, 2L).priority = null;
            });
            assertThat(column("select status from fill_orders where id = 2")).isEqualTo("NEW");
            assertThat(column("select priority from fill_tickets where id = 2")).isEqualTo("3");

            // loaded NULL, another field changed: a static UPDATE would write the NULL back and writes the value;
            // a @DynamicUpdate UPDATE does not write the column at all, so the NULL stays for the backfill
            sf.inTransaction(session -> {
                session.find(Order.class, 1L).note = "changed";
                session.find(Ticket.class, 1L).note = "changed";
            });
            assertThat(column("select status from fill_orders where id = 1")).isEqualTo("NEW");
            assertThat(column("select coalesce(priority::text, 'NULL') || ' ' || note from fill_tickets where id = 1"))
                    .isEqualTo("NULL changed");

            // a value the application sets is written as it is
            sf.inTransaction(session -> session.find(Order.class, 3L).status = Status.SHIPPED);
            assertThat(column("select status from fill_orders where id = 3")).isEqualTo("SHIPPED");
        }
    }

    @Test
    void mergeOfADetachedEntityAndStatelessSessionWritesAreFilledToo() {
        try (SessionFactory sf = start(Phase.BACKFILL, new TestSessionFactories.SqlLog())) {
            Order detached = sf.fromTransaction(session -> session.find(Order.class, 4L));
            assertThat(detached.status).isEqualTo(Status.PAID);
            detached.status = null;
            Order merged = sf.fromTransaction(session -> session.merge(detached));
            assertThat(merged.status).isEqualTo(Status.NEW);
            assertThat(column("select status from fill_orders where id = 4")).isEqualTo("NEW");

            sf.inStatelessTransaction(session -> {
                Ticket ticket = new Ticket();
                ticket.id = 2001L;
                session.insert(ticket);
                Order order = session.get(Order.class, 5L);
                order.note = "stateless";
                session.update(order);
            });
            assertThat(column("select priority from fill_tickets where id = 2001")).isEqualTo("3");
            assertThat(column("select status || ' ' || note from fill_orders where id = 5")).isEqualTo("NEW stateless");
        }
    }

    @Test
    void expandChangesNothing() {
        try (SessionFactory sf = start(Phase.EXPAND, new TestSessionFactories.SqlLog())) {
            sf.inTransaction(session -> {
                Order order = new Order();
                order.id = 1001L;
                session.persist(order);
                session.find(Order.class, 2L).status = null;
            });
        }
        assertThat(column("select coalesce(status, 'NULL') from fill_orders where id = 1001")).isEqualTo("NULL");
        assertThat(column("select coalesce(status, 'NULL') from fill_orders where id = 2")).isEqualTo("NULL");
    }

    @Test
    void readNewShowsTheValueForANullRowWithoutWritingIt() {
        TestSessionFactories.markVerified(db, "order-status", "ticket-priority");
        TestSessionFactories.SqlLog sql = new TestSessionFactories.SqlLog();
        try (SessionFactory sf = start(Phase.READ_NEW, sql)) {
            sf.inTransaction(session -> {
                assertThat(session.find(Order.class, 1L).status).isEqualTo(Status.NEW);
                assertThat(session.find(Ticket.class, 1L).priority).isEqualTo(3);
                assertThat(session.find(Order.class, 2L).status).isEqualTo(Status.PAID);
            });
            assertThat(sql.updates()).as("a load alone writes nothing").isEmpty();
        }
        assertThat(column("select coalesce(status, 'NULL') from fill_orders where id = 1")).isEqualTo("NULL");
    }

    /**
     * 8 threads x 300 transactions on 200 rows of each table: insert a new row with or without a
     * value, set the field to NULL, set a value, or change another field only. Every committed
     * transaction that wrote is recorded with the row's version and the value the entity showed after
     * its flush; afterwards each row holds exactly that value. No statically updated row that any
     * transaction wrote is NULL; a {@code @DynamicUpdate} row is NULL only if it was loaded NULL and
     * only another field changed.
     */
    @Test
    void concurrentWritersNeverWriteNull() throws Exception {
        record Committed(int version, String value) {
        }
        Map<String, Committed> oracle = new ConcurrentHashMap<>();
        AtomicLong nextId = new AtomicLong(10_000);
        AtomicInteger retries = new AtomicInteger();
        AtomicInteger setToNull = new AtomicInteger();
        try (SessionFactory sf = start(Phase.DUAL_WRITE, new TestSessionFactories.SqlLog())) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < 300; i++) {
                            ThreadLocalRandom random = ThreadLocalRandom.current();
                            boolean ticket = random.nextBoolean();
                            int action = random.nextInt(4); // 0 insert, 1 set NULL, 2 set a value, 3 other field only
                            long id = action == 0 ? nextId.incrementAndGet() : 1 + random.nextInt(ROWS);
                            boolean withValue = random.nextBoolean();
                            while (true) {
                                try {
                                    Committed committed = sf.fromTransaction(session -> {
                                        if (ticket) {
                                            Ticket e = action == 0 ? new Ticket() : session.find(Ticket.class, id);
                                            e.id = id;
                                            int versionBefore = e.version;
                                            switch (action) {
                                                case 0 -> e.priority = withValue ? 7 : null;
                                                case 1 -> e.priority = null;
                                                case 2 -> e.priority = random.nextInt(1, 10);
                                                default -> e.note = "n" + random.nextInt();
                                            }
                                            if (action == 0) {
                                                session.persist(e);
                                            }
                                            session.flush();
                                            boolean wrote = action == 0 || e.version != versionBefore;
                                            if (wrote && action != 3) {
                                                // @DynamicUpdate: changing another field leaves a NULL it did not write
                                                assertThat(e.priority).isNotNull();
                                            }
                                            if (action == 0 && !withValue || action == 1 && wrote) {
                                                assertThat(e.priority).isEqualTo(3);
                                            }
                                            return wrote ? new Committed(e.version, String.valueOf(e.priority)) : null;
                                        }
                                        Order e = action == 0 ? new Order() : session.find(Order.class, id);
                                        e.id = id;
                                        int versionBefore = e.version;
                                        switch (action) {
                                            case 0 -> e.status = withValue ? Status.SHIPPED : null;
                                            case 1 -> e.status = null;
                                            case 2 -> e.status = Status.values()[random.nextInt(3)];
                                            default -> e.note = "n" + random.nextInt();
                                        }
                                        if (action == 0) {
                                            session.persist(e);
                                        }
                                        session.flush();
                                        // nothing changed (NULL set to NULL): nothing is written
                                        boolean wrote = action == 0 || e.version != versionBefore;
                                        if (wrote) {
                                            assertThat(e.status).as("a static UPDATE or INSERT never writes NULL").isNotNull();
                                        }
                                        if (action == 0 && !withValue || action == 1 && wrote) {
                                            assertThat(e.status).isEqualTo(Status.NEW);
                                        }
                                        return wrote ? new Committed(e.version, String.valueOf(e.status)) : null;
                                    });
                                    if (action == 1) {
                                        setToNull.incrementAndGet();
                                    }
                                    if (committed != null) {
                                        oracle.merge((ticket ? "fill_tickets:" : "fill_orders:") + id, committed,
                                                (a, b) -> a.version() >= b.version() ? a : b);
                                    }
                                    break;
                                } catch (OptimisticLockException | StaleStateException e) {
                                    retries.incrementAndGet();
                                }
                            }
                        }
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
        assertThat(setToNull.get()).isPositive();
        assertThat(retries.get()).as("the writers really did collide").isPositive();
        int checked = 0;
        for (String table : List.of("fill_orders", "fill_tickets")) {
            String column = table.equals("fill_orders") ? "status" : "priority";
            try (Connection c = db.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select id, " + column + ", version from " + table + " order by id")) {
                while (rs.next()) {
                    Committed last = oracle.get(table + ":" + rs.getLong(1));
                    if (last == null) {
                        continue;
                    }
                    checked++;
                    assertThat(String.valueOf(rs.getString(2))).as("%s row %d", table, rs.getLong(1)).isEqualTo(last.value());
                    if (table.equals("fill_orders")) {
                        assertThat(rs.getString(2)).isNotNull();
                    }
                    assertThat(rs.getInt(3)).as("%s row %d version", table, rs.getLong(1)).isEqualTo(last.version());
                }
            }
        }
        assertThat(checked).isGreaterThan(ROWS);
    }

    @Test
    void aValueThatDoesNotParseFailsStartupNamingEntityFieldMigrationAndTheFix() {
        assertThatThrownBy(() -> TestSessionFactories.build(db, Map.of(), Map.of(), BadValue.class))
                .isInstanceOf(MigrationConfigurationException.class)
                .hasMessageContaining("expand-contract migration 'bad-value' (entity BadValue, field status)")
                .hasMessageContaining("value = \"NEWW\" is not a Status")
                .hasMessageContaining("Fix: give value as the text of a Status constant, one of [NEW, PAID, SHIPPED]");
    }

    @Test
    void theBackfillBindsTheValueAsTheColumnStoresItAndTheVerificationFindsNoNull() throws Exception {
        db.execute("create table fill_codes (id bigint primary key, level smallint, active char(1))",
                "insert into fill_codes select g, case when g % 2 = 0 then 2 end, null from generate_series(1, 100) g");
        ExpandContractIntegrator integrator = new ExpandContractIntegrator(
                new ExpandContractSettings(Map.of("code-level", Phase.BACKFILL, "code-active", Phase.BACKFILL)));
        try (SessionFactory sf = TestSessionFactories.build(db, integrator, Map.of(), Code.class);
             BackfillCoordinator coordinator = new BackfillCoordinator(db.dataSource(), integrator.catalog(),
                     id -> BackfillSettings.DEFAULTS.withTrafficYield(Duration.ofMillis(10), 1), "fill-test")) {
            coordinator.start();
            for (String migration : List.of("code-level", "code-active")) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (coordinator.verification(migration).status() != VerificationStatus.PASSED) {
                    assertThat(coordinator.progress(migration).lastError()).as(migration).isNull();
                    assertThat(System.nanoTime()).as("%s verified in time", migration).isLessThan(deadline);
                    Thread.sleep(50);
                }
            }
            sf.inTransaction(session -> {
                Code code = session.find(Code.class, 1L);
                assertThat(code.level).isEqualTo(Status.PAID);
                assertThat(code.active).isTrue();
            });
        }
        assertThat(column("select count(*) from fill_codes where level = 1 and active = 'Y'")).isEqualTo("50");
        assertThat(column("select count(*) from fill_codes where level = 2 and active = 'Y'")).isEqualTo("50");
    }

    @Test
    void contractLogsWhetherTheColumnIsNotNullYet() {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger schemaCheck = (Logger) LoggerFactory.getLogger(SchemaCheck.class);
        schemaCheck.addAppender(log);
        try {
            TestSessionFactories.build(db, Map.of("order-status", Phase.CONTRACT), Map.of(), Order.class).close();
            db.execute("update fill_orders set status = 'NEW' where status is null", "alter table fill_orders alter column status set not null");
            TestSessionFactories.build(db, Map.of("order-status", Phase.CONTRACT), Map.of(), Order.class).close();
        } finally {
            schemaCheck.detachAppender(log);
        }
        assertThat(log.list).hasSize(2);
        assertThat(log.list.get(0).getLevel()).isEqualTo(Level.WARN);
        assertThat(log.list.get(0).getFormattedMessage()).contains("'order-status': phase contract, but column status of table")
                .contains("is still nullable. Add the constraint with the Liquibase change addNotNullConstraintOnline");
        assertThat(log.list.get(1).getLevel()).isEqualTo(Level.INFO);
        assertThat(log.list.get(1).getFormattedMessage()).contains("column status of table").contains("is NOT NULL; the migration is done");
    }

    @Test
    void aFieldInADualWriteMigrationOrAnIdSharedWithOneFailsStartup() {
        assertThatThrownBy(() -> TestSessionFactories.build(db, Map.of(), Map.of(), BothAnnotations.class))
                .isInstanceOf(MigrationConfigurationException.class)
                .hasMessageContaining("(entity BothAnnotations, field status): the field carries both @FillNulls and @DualWrite.");
        assertThatThrownBy(() -> TestSessionFactories.build(db, Map.of(), Map.of(), SharedId.class))
                .isInstanceOf(MigrationConfigurationException.class)
                .hasMessageContaining("the migration id 'shared' is used by a @DualWrite and a @FillNulls annotation.");
    }

    @Test
    void aPrimitiveFieldOrAMissingColumnFailsStartup() {
        assertThatThrownBy(() -> TestSessionFactories.build(db, Map.of(), Map.of(), PrimitiveField.class))
                .isInstanceOf(MigrationConfigurationException.class)
                .hasMessageContaining("(entity PrimitiveField, field priority): the field has the primitive type int")
                .hasMessageContaining("Fix: declare it with the wrapper type Integer.");
        assertThatThrownBy(() -> TestSessionFactories.build(db, Map.of(), Map.of(), MissingColumn.class))
                .isInstanceOf(MigrationConfigurationException.class)
                .hasMessageContaining("the column urgency does not exist in table");
    }
}
