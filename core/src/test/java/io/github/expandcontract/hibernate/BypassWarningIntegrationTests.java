package io.github.expandcontract.hibernate;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Bulk JPQL and native SQL that write one column of a dual-written pair are reported at runtime. */
class BypassWarningIntegrationTests {

    static PostgresTestDatabase db;
    static SessionFactory dualWrite;
    static SessionFactory expand;
    static final TestSessionFactories.SqlLog applicationInspector = new TestSessionFactories.SqlLog();
    final ListAppender<ILoggingEvent> warnings = new ListAppender<>();

    @BeforeAll
    static void setUp() {
        db = PostgresTestDatabase.forClass(BypassWarningIntegrationTests.class);
        db.execute(Customer.DDL.split(";"));
        dualWrite = withInspector(Phase.DUAL_WRITE);
        expand = withInspector(Phase.EXPAND);
    }

    private static SessionFactory withInspector(Phase phase) {
        ExpandContractIntegrator integrator = new ExpandContractIntegrator(new ExpandContractSettings(Map.of("customer-email", phase)));
        return TestSessionFactories.build(db, integrator,
                Map.of("hibernate.session_factory.statement_inspector",
                        BypassWarningStatementInspector.wrap(integrator, applicationInspector)),
                Customer.class);
    }

    @AfterAll
    static void tearDown() {
        dualWrite.close();
        expand.close();
        db.close();
    }

    @BeforeEach
    void captureWarnings() {
        warnings.start();
        ((Logger) LoggerFactory.getLogger(BypassWarningStatementInspector.class)).addAppender(warnings);
        db.execute("delete from customers", "insert into customers (id, name, email, email_address, version) values (100000, 'a', 'a@x', 'a@x', 0)");
    }

    @AfterEach
    void stopCapturing() {
        ((Logger) LoggerFactory.getLogger(BypassWarningStatementInspector.class)).detachAppender(warnings);
    }

    private List<String> messages() {
        return warnings.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void bulkJpqlUpdateOfTheOldFieldOnlyIsReported() {
        dualWrite.inTransaction(session -> session.createMutationQuery("update Customer set email = :e where id = 100000")
                .setParameter("e", "bulk@x").executeUpdate());
        assertThat(messages()).singleElement().asString()
                .contains("'customer-email'", "writes email of table", "but not email_address", "phase dual-write", "docs/bypasses.md");
    }

    @Test
    void nativeUpdateOfTheNewColumnOnlyIsReported() {
        dualWrite.inTransaction(session -> session.createNativeMutationQuery("UPDATE customers SET email_address = 'n@x' WHERE id = 100000")
                .executeUpdate());
        assertThat(messages()).singleElement().asString().contains("writes email_address of table", "but not email");
    }

    @Test
    void statementsThatWriteBothColumnsOrNeitherAreQuiet() {
        dualWrite.inTransaction(session -> {
            session.createMutationQuery("update Customer set email = :e, emailAddress = :e where id = 100000").setParameter("e", "both@x").executeUpdate();
            session.createMutationQuery("update Customer set name = 'other' where id = 100000").executeUpdate();
            Customer customer = new Customer("entity");
            customer.email = "entity@x";
            session.persist(customer);
        });
        dualWrite.inTransaction(session -> session.find(Customer.class, 100000L).emailAddress = "entity-update@x");
        assertThat(messages()).isEmpty();
        assertThat(applicationInspector.all()).as("the application's own inspector still sees every statement")
                .anyMatch(sql -> sql.startsWith("update customers c1_0 set name"));
    }

    @Test
    void inExpandWritingTheOldColumnOnlyIsExpected() {
        expand.inTransaction(session -> session.createMutationQuery("update Customer set email = 'e@x' where id = 100000").executeUpdate());
        assertThat(messages()).isEmpty();
    }
}
