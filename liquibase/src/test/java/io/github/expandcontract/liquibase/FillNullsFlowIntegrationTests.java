package io.github.expandcontract.liquibase;

import io.github.expandcontract.FillNulls;
import io.github.expandcontract.backfill.BackfillCoordinator;
import io.github.expandcontract.backfill.BackfillSettings;
import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.hibernate.ExpandContractIntegrator;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.BootstrapServiceRegistryBuilder;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The NOT NULL pattern of docs/patterns.md end to end on PostgreSQL: {@code @FillNulls} through
 * its phases, the backfill and its verification, then the contract changelog
 * ({@code migrationVerified} + {@code addNotNullConstraintOnline}) succeeding; refused before the
 * verification passed; rolled back.
 */
class FillNullsFlowIntegrationTests {

    static final String MIGRATION = "order-status";

    @Entity(name = "Order")
    @Table(name = "orders")
    public static class Order {
        @Id Long id;
        @Column(name = "status") @FillNulls(migration = MIGRATION, value = "NEW") String status;
    }

    private PostgresTestDatabase db;
    private PgCatalog catalog;

    @BeforeEach
    void createSchema() {
        db = PostgresTestDatabase.forClass(getClass());
        catalog = new PgCatalog(db);
        db.execute("create table orders (id bigint primary key, status varchar(20))",
                "insert into orders select g, case when g % 2 = 0 then 'PAID' end from generate_series(1, 5000) g");
    }

    @AfterEach
    void dropSchema() {
        db.close();
    }

    private SessionFactory start(ExpandContractIntegrator integrator) {
        var registry = new StandardServiceRegistryBuilder(new BootstrapServiceRegistryBuilder().applyIntegrator(integrator).build())
                .applySettings(Map.of("jakarta.persistence.jdbc.url", db.jdbcUrl(), "jakarta.persistence.jdbc.user", db.user(),
                        "jakarta.persistence.jdbc.password", db.password(), "hibernate.hbm2ddl.auto", "none"))
                .build();
        return new MetadataSources(registry).addAnnotatedClass(Order.class).buildMetadata().buildSessionFactory();
    }

    private SessionFactory start(Phase phase) {
        return start(new ExpandContractIntegrator(new ExpandContractSettings(Map.of(MIGRATION, phase))));
    }

    private long nulls() throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from orders where status is null")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private LiquibaseRun notNull(String file) {
        return LiquibaseRun.of(db, "db/patterns/" + file);
    }

    @Test
    void fromNullableToNotNullThroughThePhasesAndTheOnlineConstraint() throws Exception {
        try (SessionFactory sf = start(Phase.DUAL_WRITE)) {
            sf.inTransaction(session -> {
                Order order = new Order();
                order.id = 10_001L;
                session.persist(order);
            });
        }
        assertThat(nulls()).as("dual-write: the new row has the value; the old NULLs wait for the backfill").isEqualTo(2500);

        // contract changelog too early: no verification yet, the column stays nullable
        assertThatThrownBy(() -> notNull("notnull-5-contract.yaml").update())
                .hasStackTraceContaining("migrationVerified 'order-status': no verification has run yet.");
        assertThat(catalog.notNull("orders", "status")).isFalse();

        ExpandContractIntegrator integrator = new ExpandContractIntegrator(new ExpandContractSettings(Map.of(MIGRATION, Phase.BACKFILL)));
        try (SessionFactory sf = start(integrator);
             BackfillCoordinator coordinator = new BackfillCoordinator(db.dataSource(), integrator.catalog(),
                     id -> BackfillSettings.DEFAULTS.withTrafficYield(Duration.ofMillis(10), 1), "flow-test")) {
            coordinator.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (coordinator.verification(MIGRATION).status() != VerificationStatus.PASSED) {
                assertThat(coordinator.verification(MIGRATION).status()).isNotEqualTo(VerificationStatus.FAILED);
                assertThat(System.nanoTime()).as("verification PASSED in time").isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(coordinator.progress(MIGRATION).rowsCopied()).as("NULLs filled").isEqualTo(2500);
        }
        assertThat(nulls()).isZero();
        start(Phase.READ_NEW).close();

        // contract: the changelog runs before the application starts, then the constraint holds
        notNull("notnull-5-contract.yaml").update();
        assertThat(catalog.notNull("orders", "status")).isTrue();
        assertThat(catalog.constraintExists("orders", "orders_status_ec_not_null")).as("helper check dropped").isFalse();
        try (SessionFactory sf = start(Phase.CONTRACT)) {
            sf.inTransaction(session -> {
                Order order = new Order();
                order.id = 10_002L;
                session.persist(order); // NULL would violate the constraint; the library still writes the value
            });
        }
        assertThatThrownBy(() -> db.execute("insert into orders values (10003, null)")).hasStackTraceContaining("not-null");
        // the XML form of the same change set parses and finds nothing left to do
        notNull("notnull-5-contract.xml").update();
        assertThat(catalog.notNull("orders", "status")).isTrue();

        // rollback of the constraint (the XML change set ran last): nullable again, and contract can go back to read-new
        notNull("notnull-5-contract.xml").rollback(1);
        assertThat(catalog.notNull("orders", "status")).isFalse();
        start(Phase.READ_NEW).close();
    }
}
