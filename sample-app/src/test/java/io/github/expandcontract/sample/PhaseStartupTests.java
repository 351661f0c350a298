package io.github.expandcontract.sample;

import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.context.ConfigurableApplicationContext;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample starts with both migrations in each of the five phases on a PostgreSQL schema that
 * its own Liquibase changelog created (three seeded rows), one fresh schema and one application
 * context per phase, and then writes and reads the columns that phase is meant to: the rename
 * {@code customer-email} and the type change {@code customer-credit-limit} (cents to amount).
 * <p>
 * Phase contract needs the old columns nullable: changesets 003 and 005 do that and run only with
 * the Liquibase contexts {@code contract} and {@code contract-credit-limit}, so this test passes
 * {@code spring.liquibase.contexts=default,contract,contract-credit-limit} for that phase alone (the
 * other phases must keep the old columns NOT NULL, which proves the contexts keep 003 and 005 from
 * running by accident).
 * <p>
 * The starter refuses {@code read-new} without a passed verification, so the read-new case runs
 * the app in {@code backfill} first on the same schema and waits for both verifications to pass.
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
                 ResultSet rs = s.executeQuery("select count(*) from expand_contract_verification where status = 'PASSED' "
                         + "and migration_id in ('customer-email', 'customer-credit-limit')")) {
                if (rs.next() && rs.getInt(1) == 2) {
                    return;
                }
            } catch (SQLException e) {
                // the state tables appear when the app starts
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the backfills' verifications did not both pass within 60 s");
    }

    private static void check(PostgresTestDatabase db, ConfigurableApplicationContext app, Phase phase) {
        {
            CustomerRows rows = new CustomerRows(db::connect);
            SampleApi api = new SampleApi(SampleApps.port(app));

            // the schema is Liquibase's: 001, the seed, 002 and 004 always; 003 and 005 (old columns nullable) only for contract
            List<String> expectedChangeSets = new ArrayList<>(List.of("001-create-customers", "001-seed-customers-postgresql",
                    "002-expand-add-email-address"));
            if (phase == Phase.CONTRACT) {
                expectedChangeSets.add("003-contract-email-nullable");
            }
            expectedChangeSets.add("004-expand-add-credit-limit");
            if (phase == Phase.CONTRACT) {
                expectedChangeSets.add("005-contract-credit-limit-cents-nullable");
            }
            assertThat(changeSetsRun(db)).containsExactlyElementsOf(expectedChangeSets);
            Map<String, Boolean> nullable = rows.nullability();
            assertThat(nullable).containsEntry("email_address", true).containsEntry("email", phase == Phase.CONTRACT)
                    .containsEntry("credit_limit", true).containsEntry("credit_limit_cents", phase == Phase.CONTRACT);

            // the seeded rows, written as the old application wrote them
            assertThat(rows.count(null)).isEqualTo(3);
            assertThat(api.get("/customers").status()).isEqualTo(200);

            // writes: a client that still sends the old field
            SampleApi.Response created = api.post("/customers", Map.of("name", "Ada", "email", "ada@example.com", "creditLimitCents", 1999));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            CustomerRows.Row row = rows.find(created.id());
            assertThat(row.email()).as("old column in phase %s", phase)
                    .isEqualTo(phase.writesOld() ? "ada@example.com" : null);
            assertThat(row.emailAddress()).as("new column in phase %s", phase)
                    .isEqualTo(phase.writesNew() ? "ada@example.com" : null);
            assertThat(created.get("email")).isEqualTo("ada@example.com");
            assertThat(created.get("emailAddress")).isEqualTo("ada@example.com");
            assertThat(row.creditLimitCents()).as("old column in phase %s", phase).isEqualTo(phase.writesOld() ? 1999L : null);
            assertThat(row.creditLimit()).as("new column in phase %s", phase).isEqualTo(phase.writesNew() ? new BigDecimal("19.99") : null);
            assertThat(created.get("creditLimit")).isEqualTo(19.99);

            // reads: a row whose columns disagree shows the column the phase reads, in both fields
            long diverged = rows.insert("Grace", "grace@old.example.com", "grace@new.example.com", 100L, new BigDecimal("2.00"));
            String expected = phase.readsNew() ? "grace@new.example.com" : "grace@old.example.com";
            SampleApi.Response read = api.get("/customers/" + diverged);
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.get("email")).as("email in phase %s", phase).isEqualTo(expected);
            assertThat(read.get("emailAddress")).as("emailAddress in phase %s", phase).isEqualTo(expected);
            assertThat(((Number) read.get("creditLimitCents")).longValue()).as("creditLimitCents in phase %s", phase)
                    .isEqualTo(phase.readsNew() ? 200 : 100);

            // reads: a row an older deployment wrote (new column NULL); read-new falls back to the old column
            long oldRow = rows.insert("Alan", "alan@example.com", null, 500L, null);
            String expectedOld = phase == Phase.CONTRACT ? null : "alan@example.com";
            SampleApi.Response readOld = api.get("/customers/" + oldRow);
            assertThat(readOld.status()).isEqualTo(200);
            assertThat(readOld.get("email")).as("email in phase %s", phase).isEqualTo(expectedOld);
            assertThat(readOld.get("emailAddress")).as("emailAddress in phase %s", phase).isEqualTo(expectedOld);
            assertThat(readOld.get("creditLimit")).as("creditLimit in phase %s", phase).isEqualTo(phase == Phase.CONTRACT ? null : 5.0);
        }
    }

    private static ConfigurableApplicationContext start(PostgresTestDatabase db, Phase phase) {
        List<String> args = new ArrayList<>(List.of(
                "--sample.seed.rows=3",
                "--expand-contract.migrations.customer-email.phase=" + phase.configName(),
                "--expand-contract.migrations.customer-credit-limit.phase=" + phase.configName()));
        if (phase == Phase.CONTRACT) {
            args.add("--spring.liquibase.contexts=default,contract,contract-credit-limit");
            // straight to contract on a fresh schema: this test checks each phase's behaviour, not the rolling-deploy
            // rules (read-new first, then the bake-in), so it overrides them
            args.add("--expand-contract.migrations.customer-email.force-phase=true");
            args.add("--expand-contract.migrations.customer-credit-limit.force-phase=true");
        }
        return SampleApps.startOnPostgres(db, args.toArray(String[]::new));
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
