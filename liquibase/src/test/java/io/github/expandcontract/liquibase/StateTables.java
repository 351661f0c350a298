package io.github.expandcontract.liquibase;

import io.github.expandcontract.state.MigrationStateStore;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationRepository;
import io.github.expandcontract.verify.VerificationResult;
import io.github.expandcontract.verify.VerificationStatus;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** The library's state as the application would have left it, written with the library's own classes. */
final class StateTables {

    private final PostgresTestDatabase db;

    StateTables(PostgresTestDatabase db) {
        this.db = db;
    }

    StateTables create() throws SQLException {
        try (Connection connection = db.connect()) {
            new MigrationStateStore(true).ensureSchema(connection);
        }
        return this;
    }

    StateTables verification(String migration, VerificationStatus status, long mismatches, List<String> sampleIds) throws SQLException {
        try (Connection connection = db.connect()) {
            Instant now = Instant.now();
            new VerificationRepository().save(connection, new VerificationResult(migration, status, 1000, mismatches, sampleIds,
                    now.minusSeconds(5), status == VerificationStatus.RUNNING ? null : now));
        }
        return this;
    }

    /** A schema from before the fleet table: the state tables without {@value MigrationStateStore#INSTANCE_TABLE}. */
    StateTables withoutInstanceTable() {
        db.execute("drop table " + MigrationStateStore.INSTANCE_TABLE);
        return this;
    }

    StateTables instance(String id, String migration, String phase, int lastSeenSecondsAgo) {
        db.execute("insert into expand_contract_instance values ('" + id + "', '" + migration + "', '" + phase + "', 'host-" + id
                + "', current_timestamp - interval '1 hour', current_timestamp - interval '" + lastSeenSecondsAgo + " seconds')");
        return this;
    }
}
