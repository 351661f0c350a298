package io.github.expandcontract.sample;

import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.List;

/** Starts the sample app as a user would, with command-line arguments, on a PostgreSQL test schema and a random port. */
final class SampleApps {

    private SampleApps() {
    }

    /** Profile {@code postgres} on {@code db}; {@code more} arguments win over application*.yml. */
    static ConfigurableApplicationContext startOnPostgres(PostgresTestDatabase db, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.profiles.active=postgres",
                "--server.port=0",
                "--spring.datasource.url=" + db.jdbcUrl(),
                "--spring.datasource.username=" + db.user(),
                "--spring.datasource.password=" + db.password()));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(SampleApplication.class).run(args.toArray(String[]::new));
    }

    static int port(ConfigurableApplicationContext app) {
        return Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    }

    /** Both migrations in phase backfill, each copy capped at {@code rowsPerSecond} in batches of 100 (watchable, overlaps with traffic). */
    static List<String> bothInBackfill(int rowsPerSecond) {
        List<String> args = new ArrayList<>();
        for (String migration : List.of(Customer.EMAIL_MIGRATION, Customer.CREDIT_LIMIT_MIGRATION)) {
            args.add("--expand-contract.migrations." + migration + ".phase=backfill");
            args.add("--expand-contract.migrations." + migration + ".backfill.max-rows-per-second=" + rowsPerSecond);
            args.add("--expand-contract.migrations." + migration + ".backfill.batch-size=100");
        }
        return args;
    }
}
