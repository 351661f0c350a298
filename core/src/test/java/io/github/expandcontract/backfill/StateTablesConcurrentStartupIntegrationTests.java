package io.github.expandcontract.backfill;

import io.github.expandcontract.state.MigrationStateStore;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Instances started at the same moment against a database without the state tables (the usual
 * first rollout with two or more replicas) all start: each runs {@code create table if not exists},
 * and PostgreSQL lets concurrent ones fail on its catalog's unique index instead of skipping.
 */
class StateTablesConcurrentStartupIntegrationTests {

    static final int INSTANCES = 4;
    static final int ROUNDS = 10;

    @Test
    void instancesCreatingTheStateTablesAtTheSameMomentAllStart() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(INSTANCES);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                PostgresTestDatabase db = PostgresTestDatabase.forClass(StateTablesConcurrentStartupIntegrationTests.class);
                try {
                    List<Connection> connections = new ArrayList<>();
                    for (int i = 0; i < INSTANCES; i++) {
                        connections.add(db.connect());
                    }
                    CyclicBarrier together = new CyclicBarrier(INSTANCES);
                    List<Future<?>> starts = new ArrayList<>();
                    for (Connection c : connections) {
                        starts.add(pool.submit(() -> {
                            together.await();
                            new MigrationStateStore(true).ensureSchema(c);
                            return null;
                        }));
                    }
                    for (Future<?> start : starts) {
                        start.get(30, TimeUnit.SECONDS); // an instance that failed to create the tables throws here
                    }
                    for (Connection c : connections) {
                        c.close();
                    }
                    for (String table : List.of(MigrationStateStore.TABLE, MigrationStateStore.BACKFILL_TABLE,
                            MigrationStateStore.VERIFICATION_TABLE, MigrationStateStore.INSTANCE_TABLE)) {
                        assertThat(BackfillCrashSupport.queryLong(db, "select count(*) from information_schema.tables where table_schema = '"
                                + db.schema() + "' and table_name = '" + table + "'")).as(table).isEqualTo(1);
                    }
                } finally {
                    db.close();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
