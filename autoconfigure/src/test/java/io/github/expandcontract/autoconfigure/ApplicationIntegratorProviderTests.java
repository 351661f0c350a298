package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.autoconfigure.entities.owner.Owner;
import io.github.expandcontract.hibernate.ExpandContractIntegrator;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.spi.BootstrapContext;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.integrator.spi.Integrator;
import org.hibernate.jpa.boot.spi.IntegratorProvider;
import org.hibernate.jpa.boot.spi.JpaSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.github.expandcontract.autoconfigure.JpaTestSupport.inTransaction;
import static org.assertj.core.api.Assertions.assertThat;

/** An integrator provider the application configured keeps working, and the engine is registered too. */
class ApplicationIntegratorProviderTests {

    private static PostgresTestDatabase db;

    @BeforeAll
    static void createSchema() {
        db = PostgresTestDatabase.forClass(ApplicationIntegratorProviderTests.class);
        db.execute(Owner.DDL);
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @BeforeEach
    void reset() {
        db.execute("delete from owners");
        RecordingIntegrator.INTEGRATED.clear();
    }

    private ApplicationContextRunner dualWrite() {
        return JpaTestSupport.runner(db, Owner.class).withPropertyValues("expand-contract.migrations.owner-phone.phase=dual-write");
    }

    @Test
    void providerConfiguredByClassName() {
        dualWrite().withPropertyValues("spring.jpa.properties." + JpaSettings.INTEGRATOR_PROVIDER + "=" + RecordingIntegratorProvider.class.getName())
                .run(this::bothIntegratorsRan);
    }

    @Test
    void providerInstanceSetByAnotherCustomizer() {
        dualWrite().withBean(HibernatePropertiesCustomizer.class,
                        () -> properties -> properties.put(JpaSettings.INTEGRATOR_PROVIDER, new RecordingIntegratorProvider()))
                .run(this::bothIntegratorsRan);
    }

    private void bothIntegratorsRan(ApplicationContext context) {
        assertThat(RecordingIntegrator.INTEGRATED).hasSize(1);
        assertThat(context.getBean(ExpandContractIntegrator.class).catalog().find(Owner.MIGRATION)).isPresent();
        inTransaction(context, em -> em.persist(new Owner(3L, "333")));
        assertThat(db.row("owners", 3L)).containsEntry("telephone", "333").containsEntry("phone_number", "333");
    }

    public static class RecordingIntegratorProvider implements IntegratorProvider {
        @Override
        public List<Integrator> getIntegrators() {
            return List.of(new RecordingIntegrator());
        }
    }

    static class RecordingIntegrator implements Integrator {

        static final List<SessionFactoryImplementor> INTEGRATED = new CopyOnWriteArrayList<>();

        @Override
        public void integrate(Metadata metadata, BootstrapContext bootstrapContext, SessionFactoryImplementor sessionFactory) {
            INTEGRATED.add(sessionFactory);
        }
    }
}
