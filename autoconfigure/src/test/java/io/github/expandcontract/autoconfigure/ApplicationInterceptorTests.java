package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.autoconfigure.entities.owner.Owner;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.hibernate.Interceptor;
import org.hibernate.cfg.SessionEventSettings;
import org.hibernate.type.Type;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.github.expandcontract.autoconfigure.JpaTestSupport.inTransaction;
import static org.assertj.core.api.Assertions.assertThat;

/** The application's own SessionFactory interceptor keeps working next to the engine. */
class ApplicationInterceptorTests {

    private static PostgresTestDatabase db;

    @BeforeAll
    static void createSchema() {
        db = PostgresTestDatabase.forClass(ApplicationInterceptorTests.class);
        db.execute(Owner.DDL);
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @BeforeEach
    void reset() {
        db.execute("delete from owners");
        RecordingInterceptor.CALLS.clear();
    }

    private ApplicationContextRunner dualWrite() {
        return JpaTestSupport.runner(db, Owner.class).withPropertyValues("expand-contract.migrations.owner-phone.phase=dual-write");
    }

    @Test
    void interceptorConfiguredByClassNameSeesItsCallbacks() {
        dualWrite().withPropertyValues("spring.jpa.properties." + SessionEventSettings.INTERCEPTOR + "=" + RecordingInterceptor.class.getName())
                .run(this::persistLoadAndUpdate);
    }

    @Test
    void interceptorInstanceSetByAnotherCustomizerSeesItsCallbacks() {
        dualWrite().withBean(HibernatePropertiesCustomizer.class,
                        () -> properties -> properties.put(SessionEventSettings.INTERCEPTOR, new RecordingInterceptor()))
                .run(this::persistLoadAndUpdate);
    }

    private void persistLoadAndUpdate(org.springframework.context.ApplicationContext context) {
        assertThat(context).isNotNull();
        inTransaction(context, em -> em.persist(new Owner(7L, "111")));
        assertThat(RecordingInterceptor.CALLS).containsExactly("onPersist 7");
        assertThat(db.row("owners", 7L)).containsEntry("telephone", "111").containsEntry("phone_number", "111");

        inTransaction(context, em -> em.find(Owner.class, 7L).setTelephone("222"));
        assertThat(RecordingInterceptor.CALLS).containsExactly("onPersist 7", "onLoad 7", "onFlushDirty 7");
        assertThat(db.row("owners", 7L)).containsEntry("telephone", "222").containsEntry("phone_number", "222");
    }

    /** Records its callbacks; Hibernate instantiates it by class name, hence the static list. */
    public static class RecordingInterceptor implements Interceptor, Serializable {

        static final List<String> CALLS = new CopyOnWriteArrayList<>();

        @Override
        public boolean onLoad(Object entity, Object id, Object[] state, String[] propertyNames, Type[] types) {
            CALLS.add("onLoad " + id);
            return false;
        }

        @Override
        public boolean onPersist(Object entity, Object id, Object[] state, String[] propertyNames, Type[] types) {
            CALLS.add("onPersist " + id);
            return false;
        }

        @Override
        public boolean onFlushDirty(Object entity, Object id, Object[] currentState, Object[] previousState,
                                    String[] propertyNames, Type[] types) {
            CALLS.add("onFlushDirty " + id);
            return false;
        }
    }
}
