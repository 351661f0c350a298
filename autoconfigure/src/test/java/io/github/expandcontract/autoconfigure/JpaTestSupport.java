package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.testsupport.PostgresTestDatabase;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/** A Boot JPA application on a test's PostgreSQL schema, and plain-JDBC and failure-analysis helpers. */
final class JpaTestSupport {

    static final AutoConfigurations JPA_AND_EXPAND_CONTRACT = AutoConfigurations.of(DataSourceAutoConfiguration.class,
            HibernateJpaAutoConfiguration.class, TransactionAutoConfiguration.class, ExpandContractAutoConfiguration.class,
            ExpandContractFleetAutoConfiguration.class, ExpandContractBackfillAutoConfiguration.class);

    private JpaTestSupport() {
    }

    /**
     * An application whose entities are those of {@code entityPackage}'s package only (each test
     * package holds just the entities its tests want), with the schema created by plain SQL.
     */
    static ApplicationContextRunner runner(PostgresTestDatabase db, Class<?> entityInPackage) {
        return new ApplicationContextRunner()
                .withConfiguration(JPA_AND_EXPAND_CONTRACT)
                .withInitializer(context -> AutoConfigurationPackages.register((BeanDefinitionRegistry) context,
                        entityInPackage.getPackageName()))
                .withPropertyValues("spring.datasource.url=" + db.jdbcUrl(), "spring.datasource.username=" + db.user(),
                        "spring.datasource.password=" + db.password(), "spring.datasource.hikari.maximum-pool-size=2",
                        "spring.jpa.hibernate.ddl-auto=none");
    }

    /** Runs {@code work} with a transactional EntityManager inside the application's TransactionTemplate. */
    static void inTransaction(ApplicationContext context, Consumer<EntityManager> work) {
        EntityManager entityManager = SharedEntityManagerCreator.createSharedEntityManager(context.getBean(EntityManagerFactory.class));
        context.getBean(TransactionTemplate.class).executeWithoutResult(status -> work.accept(entityManager));
    }

    /**
     * Analyses a startup failure as Spring Boot does: every FailureAnalyzer registered in
     * {@code META-INF/spring.factories}, in order, and the first analysis wins.
     */
    static FailureAnalysis analyze(Throwable failure) {
        ArgumentResolver arguments = ArgumentResolver.of(BeanFactory.class, new DefaultListableBeanFactory())
                .and(Environment.class, new StandardEnvironment());
        List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation(JpaTestSupport.class.getClassLoader())
                .load(FailureAnalyzer.class, arguments, FailureHandler.handleMessage((message, ex) -> { }));
        return analyzers.stream().map(analyzer -> analyzer.analyze(failure)).filter(Objects::nonNull).findFirst()
                .orElseThrow(() -> new AssertionError("no FailureAnalyzer explains " + failure));
    }

    static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
