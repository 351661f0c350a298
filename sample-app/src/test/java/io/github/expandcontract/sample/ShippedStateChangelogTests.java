package io.github.expandcontract.sample;

import io.github.expandcontract.fleet.InstanceRepository;
import io.github.expandcontract.fleet.LiveInstance;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.state.MigrationStateStore;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The changelog the starter ships for Liquibase users creates every state table the library needs,
 * the fleet table included, so {@code expand-contract.jdbc.initialize-schema=never} works with it.
 */
class ShippedStateChangelogTests {

    @Test
    @SuppressWarnings("deprecation") // the Liquibase facade is the shortest way to run one changelog
    void theShippedChangelogCreatesEveryStateTable() throws Exception {
        try (PostgresTestDatabase db = PostgresTestDatabase.forClass(ShippedStateChangelogTests.class)) {
            // Liquibase closes its connection when done
            Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(db.connect()));
            try (Liquibase liquibase = new Liquibase("META-INF/expand-contract/changelog/expand-contract-state.yaml",
                    new ClassLoaderResourceAccessor(), database)) {
                liquibase.update("");
            }
            try (Connection c = db.connect()) {
                checkTables(c);
            }
        }
    }

    private static void checkTables(Connection c) throws Exception {
        {
            new MigrationStateStore(false).ensureSchema(c); // throws, naming what is missing, otherwise

            InstanceRepository fleet = new InstanceRepository();
            fleet.register(c, "i-1", "customer-email", Phase.BACKFILL, "host-a");
            assertThat(fleet.live(c, "customer-email", Duration.ofSeconds(30)))
                    .extracting(LiveInstance::instanceId, LiveInstance::phase, LiveInstance::host)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("i-1", Phase.BACKFILL, "host-a"));
        }
    }
}
