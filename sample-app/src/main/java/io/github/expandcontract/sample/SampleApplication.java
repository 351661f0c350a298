package io.github.expandcontract.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small customer service that renames the column {@code customers.email} to
 * {@code customers.email_address} without downtime, through the phases of the migration
 * {@value Customer#EMAIL_MIGRATION}.
 * <p>
 * Run it with {@code ./mvnw -pl sample-app spring-boot:run} (H2 in memory) or add
 * {@code -Dspring-boot.run.profiles=postgres} for the local PostgreSQL server. The phase comes
 * from {@code expand-contract.migrations.customer-email.phase} (see {@code application.yml}).
 */
@SpringBootApplication
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
