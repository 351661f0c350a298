package io.github.expandcontract.sample;

import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample starts in each of the five phases on a PostgreSQL schema that its own Liquibase
 * changelog created, one fresh schema and one application context per phase, and then writes and
 * reads the columns that phase is meant to.
 * <p>
 * Phase contract needs the old column nullable: changeset 003 does that and runs only with the
 * Liquibase context {@code contract}, so this test passes {@code spring.liquibase.contexts=default,contract}
 * for that phase alone (the other phases must keep {@code email} NOT NULL, which proves the
 * context keeps 003 from running by accident).
 * <p>
 * The starter refuses {@code read-new} without a passed verification, so the read-new case runs
 * the app in {@code backfill} first on the same schema and waits for the verification to pass.
 */
class PhaseStartupTests {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Phase.class)
    void startsOnALiquibaseSchemaAndWritesAndReadsWhatThePhaseSays(Phase phase) throws Exception {
        try (PostgresTestDatabase db = PostgresTestDatabase.forClass(PhaseStartupTests.class)) {
            if (phase == Phase.READ_NEW) {
                // read-new needs a passed verification: run the backfill phase first, as a user would
                try (ConfigurableApplicationContext backfill = start(db, Phase.BACKFILL)) {
                    awaitVerificationPassed(db);
                }
            }
            try (ConfigurableApplicationContext app = start(db, phase)) {
                check(db, app, phase);
            }
        }
    }

    private static void awaitVerificationPassed(PostgresTestDatabase db) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (Connection c = db.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select status from expand_contract_verification where migration_id = 'customer-email'")) {
                if (rs.next() && "PASSED".equals(rs.getString(1))) {
                    return;
                }
            } catch (SQLException e) {
                // the state tables appear when the app starts
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the backfill's verification did not pass within 60 s");
    }

    private static void check(PostgresTestDatabase db, ConfigurableApplicationContext app, Phase phase) {
        {
            CustomerRows rows = new CustomerRows(db::connect);
            SampleApi api = new SampleApi(Integer.parseInt(app.getEnvironment().getProperty("local.server.port")));

            // the schema is Liquibase's: 001 and 002 always, 003 (old column nullable) only for contract
            List<String> expectedChangeSets = new ArrayList<>(List.of("001-create-customers", "002-expand-add-email-address"));
            if (phase == Phase.CONTRACT) {
                expectedChangeSets.add("003-contract-email-nullable");
            }
            assertThat(changeSetsRun(db)).containsExactlyElementsOf(expectedChangeSets);
            Map<String, Boolean> nullable = rows.nullability();
            assertThat(nullable).containsEntry("email_address", true).containsEntry("email", phase == Phase.CONTRACT);

            // the demo data went in through the library, in this phase
            assertThat(rows.count(null)).isEqualTo(3);
            assertThat(api.get("/customers").status()).isEqualTo(200);

            // writes: a client that still sends the old field
            SampleApi.Response created = api.post("/customers", Map.of("name", "Ada", "email", "ada@example.com"));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            CustomerRows.Row row = rows.find(created.id());
            assertThat(row.email()).as("old column in phase %s", phase)
                    .isEqualTo(phase.writesOld() ? "ada@example.com" : null);
            assertThat(row.emailAddress()).as("new column in phase %s", phase)
                    .isEqualTo(phase.writesNew() ? "ada@example.com" : null);
            assertThat(created.get("email")).isEqualTo("ada@example.com");
            assertThat(created.get("emailAddress")).isEqualTo("ada@example.com");

            // reads: a row whose columns disagree shows the column the phase reads, in both fields
            long diverged = rows.insert("Grace", "grace@old.example.com", "grace@new.example.com");
            String expected = phase.readsNew() ? "grace@new.example.com" : "grace@old.example.com";
            SampleApi.Response read = api.get("/customers/" + diverged);
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.get("email")).as("email in phase %s", phase).isEqualTo(expected);
            assertThat(read.get("emailAddress")).as("emailAddress in phase %s", phase).isEqualTo(expected);

            // reads: a row an older deployment wrote (new column NULL); read-new falls back to the old column
            long oldRow = rows.insert("Alan", "alan@example.com", null);
            String expectedOld = phase == Phase.CONTRACT ? null : "alan@example.com";
            SampleApi.Response readOld = api.get("/customers/" + oldRow);
            assertThat(readOld.status()).isEqualTo(200);
            assertThat(readOld.get("email")).as("email in phase %s", phase).isEqualTo(expectedOld);
            assertThat(readOld.get("emailAddress")).as("emailAddress in phase %s", phase).isEqualTo(expectedOld);
        }
    }

    private static ConfigurableApplicationContext start(PostgresTestDatabase db, Phase phase) {
        // command-line arguments, as a user would pass them: they win over application*.yml
        List<String> args = new ArrayList<>(List.of(
                "--spring.profiles.active=postgres",
                "--server.port=0",
                "--spring.datasource.url=" + db.jdbcUrl(),
                "--spring.datasource.username=" + db.user(),
                "--spring.datasource.password=" + db.password(),
                "--expand-contract.migrations.customer-email.phase=" + phase.configName()));
        if (phase == Phase.CONTRACT) {
            args.add("--spring.liquibase.contexts=default,contract");
            // straight to contract on a fresh schema: this test checks each phase's behaviour, not the rolling-deploy
            // rules (read-new first, then the bake-in), so it overrides them
            args.add("--expand-contract.migrations.customer-email.force-phase=true");
        }
        return new SpringApplicationBuilder(SampleApplication.class).run(args.toArray(String[]::new));
    }

    private static List<String> changeSetsRun(PostgresTestDatabase db) {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select id from databasechangelog order by orderexecuted")) {
            List<String> ids = new ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
