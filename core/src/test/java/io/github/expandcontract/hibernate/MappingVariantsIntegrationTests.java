package io.github.expandcontract.hibernate;

import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.hibernate.Interceptor;
import org.hibernate.SessionFactory;
import org.hibernate.type.Type;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine in {@code dual-write} with the mapping styles and session features users have:
 * property access, cascades, JDBC batching, an insert changed before flush, StatelessSession,
 * an application interceptor, and a type-changing converter.
 */
class MappingVariantsIntegrationTests {

    static PostgresTestDatabase db;
    static SessionFactory sf;
    static final TestSessionFactories.SqlLog sql = new TestSessionFactories.SqlLog();
    static final RecordingInterceptor interceptor = new RecordingInterceptor();

    /** The application's own interceptor: it must keep seeing its callbacks. */
    static class RecordingInterceptor implements Interceptor {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public boolean onLoad(Object entity, Object id, Object[] state, String[] names, Type[] types) {
            calls.add("onLoad " + entity.getClass().getSimpleName());
            return false;
        }

        @Override
        public boolean onPersist(Object entity, Object id, Object[] state, String[] names, Type[] types) {
            calls.add("onPersist " + entity.getClass().getSimpleName());
            return false;
        }

        @Override
        public boolean onFlushDirty(Object entity, Object id, Object[] current, Object[] previous, String[] names, Type[] types) {
            calls.add("onFlushDirty " + entity.getClass().getSimpleName());
            return false;
        }
    }

    @BeforeAll
    static void setUp() {
        db = PostgresTestDatabase.forClass(MappingVariantsIntegrationTests.class);
        db.execute(Customer.DDL.split(";"));
        db.execute(Company.DDL, Employee.DDL, Product.DDL);
        sf = TestSessionFactories.build(db,
                Map.of("customer-email", Phase.DUAL_WRITE, "employee-title", Phase.DUAL_WRITE, "product-price", Phase.DUAL_WRITE),
                Map.of("hibernate.session_factory.statement_inspector", sql,
                        "hibernate.session_factory.interceptor", interceptor,
                        "hibernate.jdbc.batch_size", "25",
                        "hibernate.order_inserts", "true",
                        "hibernate.order_updates", "true"),
                Customer.class, Company.class, Employee.class, Product.class);
    }

    @AfterAll
    static void tearDown() {
        if (sf != null) {
            sf.close();
        }
        db.close();
    }

    @BeforeEach
    void clean() {
        db.execute("delete from employees", "delete from companies", "delete from customers", "delete from products");
        sql.clear();
        interceptor.calls.clear();
    }

    @Test
    void propertyAccessEntitiesReachedByCascade() {
        sf.inTransaction(session -> {
            Company company = new Company(1L, "acme");
            company.add(new Employee(10L, "engineer"));
            Employee second = new Employee(11L, null);
            second.setJobTitle("manager");
            company.add(second);
            session.persist(company);
        });
        assertThat(db.row("employees", 10L)).containsEntry("title", "engineer").containsEntry("job_title", "engineer");
        assertThat(db.row("employees", 11L)).containsEntry("title", "manager").containsEntry("job_title", "manager");

        sf.inTransaction(session -> {
            Company company = session.find(Company.class, 1L);
            company.employees.get(0).setJobTitle("staff engineer"); // a cascaded child changed through the new property
            company.employees.get(1).setTitle("director");           // and one through the old property
        });
        assertThat(db.row("employees", 10L)).containsEntry("title", "staff engineer").containsEntry("job_title", "staff engineer");
        assertThat(db.row("employees", 11L)).containsEntry("title", "director").containsEntry("job_title", "director");

        Company detached = sf.fromTransaction(session -> {
            Company company = session.find(Company.class, 1L);
            company.employees.size();
            return company;
        });
        detached.employees.get(0).setTitle("principal");
        sf.inTransaction(session -> session.merge(detached)); // merge cascades to the children
        assertThat(db.row("employees", 10L)).containsEntry("title", "principal").containsEntry("job_title", "principal");
    }

    @Test
    void jdbcBatchingWritesBothColumnsOfEveryRow() {
        sf.inTransaction(session -> {
            for (long i = 1; i <= 60; i++) {
                Product product = new Product(i);
                product.priceCents = (int) i * 100;
                session.persist(product);
            }
        });
        sql.clear();
        sf.inTransaction(session -> session.createSelectionQuery("from Product", Product.class).getResultList()
                .forEach(p -> p.price = p.price.add(BigDecimal.ONE)));

        assertThat(sql.updates()).as("60 updates sent in JDBC batches of 25: one statement prepared per batch")
                .hasSizeLessThanOrEqualTo(3);
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from products where price_cents = id * 100 + 100 "
                     + "and price = id + 1")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(60);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anEntityChangedBetweenPersistAndFlushIsWrittenAsLastChanged() {
        Customer customer = new Customer("late");
        sf.inTransaction(session -> {
            customer.email = "first@example";
            session.persist(customer);           // sequence id: the INSERT waits for the flush
            customer.emailAddress = "second@example";
        });
        assertThat(db.row("customers", customer.id))
                .containsEntry("email", "second@example").containsEntry("email_address", "second@example");
        assertThat(customer.email).isEqualTo("second@example");
        assertThat(customer.emailAddress).isEqualTo("second@example");
    }

    @Test
    void statelessSessionInsertAndUpdateKeepBothColumns() {
        Customer inserted = new Customer("stateless");
        sf.inStatelessTransaction(session -> {
            inserted.email = "s1@example";
            session.insert(inserted);
        });
        long id = inserted.id;
        assertThat(db.row("customers", id)).containsEntry("email", "s1@example").containsEntry("email_address", "s1@example");

        sf.inStatelessTransaction(session -> {
            Customer customer = session.get(Customer.class, id);
            customer.email = "s2@example"; // through the field dual-write reads from
            session.update(customer);
        });
        assertThat(db.row("customers", id)).containsEntry("email", "s2@example").containsEntry("email_address", "s2@example");
    }

    @Test
    void theApplicationsInterceptorStillSeesItsCallbacks() {
        Customer customer = new Customer("intercepted");
        customer.email = "i1@example";
        sf.inTransaction(session -> session.persist(customer));
        sf.inTransaction(session -> session.find(Customer.class, customer.id).emailAddress = "i2@example");

        assertThat(interceptor.calls).contains("onPersist Customer", "onLoad Customer", "onFlushDirty Customer");
        assertThat(db.row("customers", customer.id)).containsEntry("email", "i2@example").containsEntry("email_address", "i2@example");
    }

    @Test
    void aConverterChangesTheTypeInBothDirections() {
        sf.inTransaction(session -> {
            Product cents = new Product(1L);
            cents.priceCents = 1999;
            session.persist(cents);
            Product amount = new Product(2L);
            amount.price = new BigDecimal("5.25");
            session.persist(amount);
        });
        assertThat(db.row("products", 1L)).containsEntry("price_cents", 1999).containsEntry("price", new BigDecimal("19.99"));
        assertThat(db.row("products", 2L)).containsEntry("price_cents", 525).containsEntry("price", new BigDecimal("5.25"));

        sf.inTransaction(session -> session.find(Product.class, 1L).price = new BigDecimal("20.00"));
        assertThat(db.row("products", 1L)).containsEntry("price_cents", 2000).containsEntry("price", new BigDecimal("20.00"));
        sql.clear();
        sf.inTransaction(session -> session.find(Product.class, 2L));
        assertThat(sql.updates()).as("a plain read after conversion stays clean").isEmpty();
    }

    @Test
    void aValueTheConverterRejectsFailsTheFlushAndWritesNothing() {
        db.execute("insert into products (id, price_cents, price) values (3, 100, 1.00)");
        assertThatThrownBy(() -> sf.inTransaction(session -> session.find(Product.class, 3L).price = new BigDecimal("1.005")))
                .isInstanceOf(DualWriteConversionException.class)
                .hasMessageContaining("product-price").hasMessageContaining("row id 3").hasMessageContaining("1.005");
        assertThat(db.row("products", 3L)).containsEntry("price_cents", 100);
    }

    @Test
    void oneIntegratorServingTwoPersistenceUnitsKnowsTheMigrationsOfBoth() {
        ExpandContractIntegrator integrator = new ExpandContractIntegrator(ExpandContractSettings.allExpand());
        try (SessionFactory customers = TestSessionFactories.build(db, integrator, Map.of(), Customer.class);
             SessionFactory products = TestSessionFactories.build(db, integrator, Map.of(), Product.class)) {
            assertThat(integrator.catalog().all()).extracting(m -> m.id()).containsExactly("customer-email", "product-price");
        }
    }
}
