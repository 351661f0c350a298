package io.github.expandcontract.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * A small customer service that renames the column {@code customers.email} to
 * {@code customers.email_address} (migration {@value Customer#EMAIL_MIGRATION}) and changes
 * {@code customers.credit_limit_cents bigint} to {@code customers.credit_limit numeric(12,2)}
 * (migration {@value Customer#CREDIT_LIMIT_MIGRATION}) without downtime. {@code /status} shows
 * where both stand; the {@code demo} profile adds traffic.
 * <p>
 * Run it with {@code ./mvnw -pl sample-app spring-boot:run} (H2 in memory) or add
 * {@code -Dspring-boot.run.profiles=postgres} for the local PostgreSQL server. The phase comes
 * from {@code expand-contract.migrations.customer-email.phase} (see {@code application.yml}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
