package io.github.expandcontract.hibernate;

import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.observe.RecordingObserver;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Hibernate hooks report to the {@code MigrationObserver}: one dual write per INSERT and
 * per UPDATE that changes the migrated value, only in phases that write both columns; one fallback
 * read per load in read-new that found the new column NULL and the old one not.
 */
class MigrationObserverIntegrationTests {

    static final String CUSTOMER = "customer-email";
    static final String SUPPLIER = "contact-phone";

    static PostgresTestDatabase db;
    static final Map<Phase, SessionFactory> factories = new EnumMap<>(Phase.class);
    static final Map<Phase, RecordingObserver> observers = new EnumMap<>(Phase.class);

    @BeforeAll
    static void setUp() {
        db = PostgresTestDatabase.forClass(MigrationObserverIntegrationTests.class);
        db.execute(Customer.DDL.split(";"));
        db.execute(Supplier.DDL);
        TestSessionFactories.markVerified(db, CUSTOMER, SUPPLIER);
        for (Phase phase : Phase.values()) {
            RecordingObserver observer = new RecordingObserver();
            observers.put(phase, observer);
            // every phase side by side on one schema: forced past the rolling-deploy rules
            ExpandContractIntegrator integrator = new ExpandContractIntegrator(
                    TestSessionFactories.forced(Map.of(CUSTOMER, phase, SUPPLIER, phase)), observer);
            factories.put(phase, TestSessionFactories.build(db, integrator, Map.of(), Customer.class, Supplier.class));
        }
    }

    @AfterAll
    static void tearDown() {
        factories.values().forEach(SessionFactory::close);
        db.close();
    }

    @BeforeEach
    void clean() {
        db.execute("delete from customers", "delete from suppliers");
        observers.values().forEach(RecordingObserver::clear);
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void countsInsertsAndUpdatesThatChangeTheValueOnlyWhenBothColumnsAreWritten(Phase phase) {
        SessionFactory sf = factories.get(phase);
        RecordingObserver observer = observers.get(phase);
        Customer viaOld = new Customer("ann");
        viaOld.email = "ann@example";
        Customer viaNew = new Customer("bob");
        viaNew.emailAddress = "bob@example";
        Customer empty = new Customer("no email");
        sf.inTransaction(session -> {
            session.persist(viaOld);
            session.persist(viaNew);
            session.persist(empty);
        });
        sf.inTransaction(session -> session.find(Customer.class, viaOld.id).email = "ann@changed.example");
        sf.inTransaction(session -> session.find(Customer.class, viaNew.id).emailAddress = "bob@changed.example");
        sf.inTransaction(session -> session.find(Customer.class, empty.id).name = "renamed"); // value unchanged
        sf.inTransaction(session -> session.find(Customer.class, viaOld.id)); // a read

        Supplier supplier = new Supplier(1L);
        supplier.phone = "555-1";
        sf.inTransaction(session -> session.persist(supplier));
        sf.inTransaction(session -> session.find(Supplier.class, 1L).phoneNumber = "555-1"); // the same value: no UPDATE
        sf.inTransaction(session -> session.find(Supplier.class, 1L).phoneNumber = "555-2");

        boolean both = phase.writesOld() && phase.writesNew();
        assertThat(observer.dualWrites(CUSTOMER)).as("3 inserts + 2 updates that changed the email").isEqualTo(both ? 5 : 0);
        assertThat(observer.dualWrites(SUPPLIER)).as("1 insert + 1 update that changed the phone").isEqualTo(both ? 2 : 0);
        assertThat(observer.fallbackReads(CUSTOMER) + observer.fallbackReads(SUPPLIER)).as("every row has both columns").isZero();
    }

    @Test
    void countsStatelessInsertsAndUpdates() {
        SessionFactory sf = factories.get(Phase.DUAL_WRITE);
        Customer customer = new Customer("stateless");
        sf.inStatelessTransaction(session -> {
            customer.email = "s1@example";
            session.insert(customer);
        });
        sf.inStatelessTransaction(session -> {
            Customer loaded = session.get(Customer.class, customer.id);
            loaded.email = "s2@example";
            session.update(loaded);
        });
        assertThat(observers.get(Phase.DUAL_WRITE).dualWrites(CUSTOMER)).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void countsLoadsThatFellBackToTheOldColumnOnlyInReadNew(Phase phase) {
        db.execute("insert into customers (id, name, email, email_address, version) values "
                + "(1, 'not copied', 'a@example', null, 0), (2, 'copied', 'b@example', 'b@example', 0), "
                + "(3, 'no email', null, null, 0), (4, 'not copied either', 'd@example', null, 0)");
        SessionFactory sf = factories.get(phase);
        sf.inTransaction(session -> {
            session.find(Customer.class, 1L);
            session.find(Customer.class, 2L);
            session.find(Customer.class, 3L);
        });
        sf.inTransaction(session -> session.createSelectionQuery("from Customer", Customer.class).getResultList());

        // rows 1 and 4 have only the old column; row 1 is loaded twice
        assertThat(observers.get(phase).fallbackReads(CUSTOMER)).isEqualTo(phase == Phase.READ_NEW ? 3 : 0);
        assertThat(observers.get(phase).dualWrites(CUSTOMER)).as("loads write nothing").isZero();
    }
}
