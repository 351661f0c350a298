package io.github.expandcontract.hibernate;

import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each phase's read and write rules (contract table), checked on real PostgreSQL with plain JDBC:
 * insert, update through either field, load, merge and delete, for an entity with
 * {@code @DynamicUpdate} and {@code @Version} (Customer) and one without, inheriting its fields
 * from a {@code @MappedSuperclass} (Supplier).
 */
class PhaseBehaviourIntegrationTests {

    static PostgresTestDatabase db;
    static final Map<Phase, SessionFactory> factories = new EnumMap<>(Phase.class);
    static final Map<Phase, TestSessionFactories.SqlLog> sql = new EnumMap<>(Phase.class);

    @BeforeAll
    static void setUp() {
        db = PostgresTestDatabase.forClass(PhaseBehaviourIntegrationTests.class);
        db.execute(Customer.DDL.split(";"));
        db.execute(Supplier.DDL);
        TestSessionFactories.markVerified(db, "customer-email", "contact-phone");
        for (Phase phase : Phase.values()) {
            TestSessionFactories.SqlLog log = new TestSessionFactories.SqlLog();
            sql.put(phase, log);
            // every phase side by side on one schema: forced past the rolling-deploy rules
            factories.put(phase, TestSessionFactories.build(db,
                    new ExpandContractIntegrator(TestSessionFactories.forced(Map.of("customer-email", phase, "contact-phone", phase))),
                    Map.of("hibernate.session_factory.statement_inspector", log),
                    Customer.class, Supplier.class));
        }
    }

    @AfterAll
    static void tearDown() {
        factories.values().forEach(SessionFactory::close);
        db.close();
    }

    @BeforeEach
    void cleanTables() {
        db.execute("delete from customers", "delete from suppliers");
        sql.values().forEach(TestSessionFactories.SqlLog::clear);
    }

    private static String expectedOld(Phase phase, String written, String before) {
        return phase.writesOld() ? written : before;
    }

    private static String expectedNew(Phase phase, String written, String before) {
        return phase.writesNew() ? written : before;
    }

    private static long seedCustomer(String email, String emailAddress) {
        long id = 1000 + (long) (Math.random() * 1_000_000);
        db.execute("insert into customers (id, name, email, email_address, version) values (" + id + ", 'seed', "
                + literal(email) + ", " + literal(emailAddress) + ", 0)");
        return id;
    }

    private static String literal(String value) {
        return value == null ? "null" : "'" + value + "'";
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void insertThroughOldField(Phase phase) {
        Customer customer = new Customer("ann");
        customer.email = "ann@old.example";
        factories.get(phase).inTransaction(session -> session.persist(customer));

        Map<String, Object> row = db.row("customers", customer.id);
        assertThat(row.get("email")).isEqualTo(expectedOld(phase, "ann@old.example", null));
        assertThat(row.get("email_address")).isEqualTo(expectedNew(phase, "ann@old.example", null));
        assertThat(customer.emailAddress).as("the entity shows the value in both fields").isEqualTo("ann@old.example");
        assertThat(sql.get(phase).updates()).as("an insert is one INSERT, no follow-up UPDATE").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void insertThroughNewField(Phase phase) {
        Customer customer = new Customer("bob");
        customer.emailAddress = "bob@new.example";
        factories.get(phase).inTransaction(session -> session.persist(customer));

        Map<String, Object> row = db.row("customers", customer.id);
        assertThat(row.get("email")).isEqualTo(expectedOld(phase, "bob@new.example", null));
        assertThat(row.get("email_address")).isEqualTo(expectedNew(phase, "bob@new.example", null));
        assertThat(customer.email).isEqualTo("bob@new.example");
        assertThat(sql.get(phase).updates()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void updateThroughOldField(Phase phase) {
        long id = seedCustomer("a@example", "a@example");
        factories.get(phase).inTransaction(session -> session.find(Customer.class, id).email = "b@example");

        Map<String, Object> row = db.row("customers", id);
        assertThat(row.get("email")).isEqualTo(expectedOld(phase, "b@example", "a@example"));
        assertThat(row.get("email_address")).isEqualTo(expectedNew(phase, "b@example", "a@example"));
        assertThat(row.get("version")).isEqualTo(1);
        assertThat(sql.get(phase).updates()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void updateThroughNewField(Phase phase) {
        long id = seedCustomer("a@example", "a@example");
        factories.get(phase).inTransaction(session -> session.find(Customer.class, id).emailAddress = "c@example");

        Map<String, Object> row = db.row("customers", id);
        assertThat(row.get("email")).isEqualTo(expectedOld(phase, "c@example", "a@example"));
        assertThat(row.get("email_address")).isEqualTo(expectedNew(phase, "c@example", "a@example"));
        assertThat(sql.get(phase).updates()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void updateOfAnotherFieldLeavesBothColumnsAlone(Phase phase) {
        long id = seedCustomer("a@example", null);
        factories.get(phase).inTransaction(session -> session.find(Customer.class, id).name = "renamed");

        Map<String, Object> row = db.row("customers", id);
        assertThat(row.get("name")).isEqualTo("renamed");
        assertThat(row.get("email")).isEqualTo("a@example");
        assertThat(row.get("email_address")).as("@DynamicUpdate writes only the changed column").isNull();
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void loadShowsThePhasesAuthoritativeValueInBothFields(Phase phase) {
        long notCopied = seedCustomer("old@example", null);
        long differs = seedCustomer("old@example", "new@example");

        factories.get(phase).inTransaction(session -> {
            Customer a = session.find(Customer.class, notCopied);
            Customer b = session.find(Customer.class, differs);
            String expectedA = switch (phase) {
                case EXPAND, DUAL_WRITE, BACKFILL, READ_NEW -> "old@example"; // read-new falls back to old
                case CONTRACT -> null; // contract reads new only
            };
            String expectedB = phase.readsNew() ? "new@example" : "old@example";
            assertThat(a.email).isEqualTo(expectedA);
            assertThat(a.emailAddress).isEqualTo(expectedA);
            assertThat(b.email).isEqualTo(expectedB);
            assertThat(b.emailAddress).isEqualTo(expectedB);
        });

        assertThat(sql.get(phase).updates()).as("a plain read issues no UPDATE").isEmpty();
        assertThat(db.row("customers", notCopied).get("email_address")).isNull();
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void plainReadOfAnEntityWithoutDynamicUpdateIssuesNoUpdate(Phase phase) {
        db.execute("insert into suppliers (id, phone, phone_number) values (1, '555-1', null), (2, '555-2', '555-9')");
        factories.get(phase).inTransaction(session -> {
            session.find(Supplier.class, 1L);
            session.find(Supplier.class, 2L);
            session.createSelectionQuery("from Supplier", Supplier.class).getResultList();
        });
        assertThat(sql.get(phase).updates()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void mergeOfADetachedEntityChangedThroughEitherField(Phase phase) {
        long viaOld = seedCustomer("a@example", "a@example");
        long viaNew = seedCustomer("a@example", "a@example");
        SessionFactory sf = factories.get(phase);
        Customer detachedOld = sf.fromTransaction(session -> session.find(Customer.class, viaOld));
        Customer detachedNew = sf.fromTransaction(session -> session.find(Customer.class, viaNew));
        detachedOld.email = "m1@example";
        detachedNew.emailAddress = "m2@example";
        sf.inTransaction(session -> {
            session.merge(detachedOld);
            session.merge(detachedNew);
        });

        assertThat(db.row("customers", viaOld).get("email")).isEqualTo(expectedOld(phase, "m1@example", "a@example"));
        assertThat(db.row("customers", viaOld).get("email_address")).isEqualTo(expectedNew(phase, "m1@example", "a@example"));
        assertThat(db.row("customers", viaNew).get("email")).isEqualTo(expectedOld(phase, "m2@example", "a@example"));
        assertThat(db.row("customers", viaNew).get("email_address")).isEqualTo(expectedNew(phase, "m2@example", "a@example"));
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void mergeOfAnInstanceThatOnlyKnowsTheOldFieldLosesNothing(Phase phase) {
        long id = seedCustomer("a@example", "a@example");
        Customer fromDto = new Customer("dto"); // e.g. built from a request body by code that predates the new field
        fromDto.id = id;
        fromDto.email = "dto@example";
        factories.get(phase).inTransaction(session -> session.merge(fromDto));

        assertThat(db.row("customers", id).get("email")).isEqualTo(expectedOld(phase, "dto@example", "a@example"));
        assertThat(db.row("customers", id).get("email_address")).isEqualTo(expectedNew(phase, "dto@example", "a@example"));
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void bothFieldsChangedToDifferentValuesTheReadFieldWins(Phase phase) {
        long id = seedCustomer("a@example", "a@example");
        factories.get(phase).inTransaction(session -> {
            Customer customer = session.find(Customer.class, id);
            customer.email = "old-wins@example";
            customer.emailAddress = "new-wins@example";
        });
        String winner = phase.readsNew() ? "new-wins@example" : "old-wins@example";
        assertThat(db.row("customers", id).get("email")).isEqualTo(expectedOld(phase, winner, "a@example"));
        assertThat(db.row("customers", id).get("email_address")).isEqualTo(expectedNew(phase, winner, "a@example"));
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void delete(Phase phase) {
        long id = seedCustomer("a@example", "a@example");
        factories.get(phase).inTransaction(session -> session.remove(session.find(Customer.class, id)));
        assertThat(db.row("customers", id)).isNull();
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void mappedSuperclassFieldsWithoutDynamicUpdate(Phase phase) {
        SessionFactory sf = factories.get(phase);
        sf.inTransaction(session -> {
            Supplier supplier = new Supplier(7L);
            supplier.phone = "555-0100";
            session.persist(supplier);
        });
        assertThat(db.row("suppliers", 7L).get("phone")).isEqualTo(expectedOld(phase, "555-0100", null));
        assertThat(db.row("suppliers", 7L).get("phone_number")).isEqualTo(expectedNew(phase, "555-0100", null));

        db.execute("update suppliers set phone = '555-0100', phone_number = '555-0100' where id = 7");
        sf.inTransaction(session -> session.find(Supplier.class, 7L).phoneNumber = "555-0199");
        assertThat(db.row("suppliers", 7L).get("phone")).isEqualTo(expectedOld(phase, "555-0199", "555-0100"));
        assertThat(db.row("suppliers", 7L).get("phone_number")).isEqualTo(expectedNew(phase, "555-0199", "555-0100"));
    }
}
