package io.github.expandcontract.fleet;

import io.github.expandcontract.ColumnConverter;
import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.migration.MigrationCatalog;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.state.MigrationStateStore;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The fleet table on PostgreSQL: instances register with their phase per migration, renew their
 * entry on a heartbeat, leave the list at once on a clean close, and drop out after the timeout
 * when they die (here: a row nobody renews, as a killed process leaves it).
 */
class InstanceRegistryIntegrationTests {

    static final HeartbeatSettings FAST = new HeartbeatSettings(Duration.ofMillis(200), Duration.ofMillis(1_500));

    static PostgresTestDatabase db;

    @BeforeAll
    static void createTables() throws SQLException {
        db = PostgresTestDatabase.forClass(InstanceRegistryIntegrationTests.class);
        try (Connection c = db.connect()) {
            new MigrationStateStore(true).ensureSchema(c);
        }
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @BeforeEach
    void emptyFleet() {
        db.execute("delete from " + MigrationStateStore.INSTANCE_TABLE);
    }

    static Migration migration(String id, Phase phase) {
        ColumnConverter<Object, Object> identity = new ColumnConverter.Identity();
        return new Migration(id, phase, List.of("Customer"), "Customer", "email", "emailAddress",
                new Migration.TableName(null, null, "customers", false), "email", "email_address", identity, "", "id",
                Long.class, String.class, String.class);
    }

    static InstanceRegistry registry(String instanceId, Migration... migrations) {
        return new InstanceRegistry(db.dataSource(), new MigrationCatalog(List.of(migrations)), instanceId, FAST);
    }

    @Test
    void everyInstanceIsListedWithItsPhaseAndLeavesAtOnceOnClose() {
        try (InstanceRegistry old = registry("old-1", migration("customer-email", Phase.DUAL_WRITE), migration("owner-phone", Phase.EXPAND));
             InstanceRegistry next = registry("new-1", migration("customer-email", Phase.BACKFILL), migration("owner-phone", Phase.EXPAND))) {
            old.start();
            next.start();

            // a rolling deploy in progress: both instances, each with its own phase, seen from either one
            assertThat(next.liveInstances("customer-email")).extracting(LiveInstance::instanceId, LiveInstance::phase, LiveInstance::host)
                    .containsExactly(tuple("old-1", Phase.DUAL_WRITE, InstanceRegistry.localHostName()),
                            tuple("new-1", Phase.BACKFILL, InstanceRegistry.localHostName()));
            assertThat(old.liveInstances("customer-email")).isEqualTo(next.liveInstances("customer-email"));
            Map<String, List<LiveInstance>> all = old.liveInstances();
            assertThat(all).containsOnlyKeys("customer-email", "owner-phone");
            assertThat(all.get("owner-phone")).extracting(LiveInstance::phase).containsExactly(Phase.EXPAND, Phase.EXPAND);
            assertThat(old.liveInstances("no-such-migration")).isEmpty();

            old.close();
            assertThat(next.liveInstances("customer-email")).extracting(LiveInstance::instanceId).containsExactly("new-1");
            assertThat(rows("old-1")).as("a clean close deletes the instance's rows").isZero();
        }
        assertThat(rows("new-1")).isZero();
    }

    @Test
    void theHeartbeatKeepsALiveInstanceListedPastTheTimeout() throws Exception {
        try (InstanceRegistry registry = registry("steady-1", migration("customer-email", Phase.BACKFILL))) {
            registry.start();
            Instant first = registry.liveInstances("customer-email").get(0).lastSeen();
            Thread.sleep(FAST.timeout().toMillis() * 2);
            List<LiveInstance> live = registry.liveInstances("customer-email");
            assertThat(live).extracting(LiveInstance::instanceId).containsExactly("steady-1");
            assertThat(live.get(0).lastSeen()).isAfter(first);
            assertThat(live.get(0).startedAt()).isBeforeOrEqualTo(first);
        }
    }

    @Test
    void anInstanceThatDiedDropsOutAfterTheTimeout() throws Exception {
        try (InstanceRegistry survivor = registry("survivor-1", migration("customer-email", Phase.BACKFILL))) {
            survivor.start();
            // what a killed process leaves: its row, no heartbeat any more
            db.execute("insert into " + MigrationStateStore.INSTANCE_TABLE + " (instance_id, migration_id, phase, host, started_at, "
                    + "last_seen) values ('dead-1', 'customer-email', 'dual-write', 'elsewhere', current_timestamp, current_timestamp)");
            assertThat(survivor.liveInstances("customer-email")).extracting(LiveInstance::instanceId)
                    .containsExactly("survivor-1", "dead-1");

            long start = System.nanoTime();
            await(() -> survivor.liveInstances("customer-email").size() == 1, Duration.ofSeconds(10));
            Duration gone = Duration.ofNanos(System.nanoTime() - start);
            assertThat(gone).as("listed until its timeout, then not").isBetween(FAST.timeout().minusMillis(300), FAST.timeout().plusSeconds(3));
            assertThat(survivor.liveInstances("customer-email")).extracting(LiveInstance::instanceId).containsExactly("survivor-1");
        }
    }

    @Test
    void anEntryDeletedBehindItsBackIsRecreatedByTheNextHeartbeat() throws Exception {
        try (InstanceRegistry registry = registry("stubborn-1", migration("customer-email", Phase.READ_NEW))) {
            registry.start();
            db.execute("delete from " + MigrationStateStore.INSTANCE_TABLE);
            assertThat(registry.liveInstances("customer-email")).isEmpty();
            await(() -> !registry.liveInstances("customer-email").isEmpty(), Duration.ofSeconds(5));
            assertThat(registry.liveInstances("customer-email")).extracting(LiveInstance::phase).containsExactly(Phase.READ_NEW);
        }
    }

    @Test
    void startingPurgesEntriesOfInstancesGoneForADay() {
        db.execute("insert into " + MigrationStateStore.INSTANCE_TABLE + " (instance_id, migration_id, phase, host, started_at, "
                        + "last_seen) values ('ancient-1', 'customer-email', 'expand', 'h', current_timestamp - interval '3' day, "
                        + "current_timestamp - interval '2' day)",
                "insert into " + MigrationStateStore.INSTANCE_TABLE + " (instance_id, migration_id, phase, host, started_at, "
                        + "last_seen) values ('recent-1', 'customer-email', 'expand', 'h', current_timestamp - interval '1' hour, "
                        + "current_timestamp - interval '1' hour)");
        try (InstanceRegistry registry = registry("fresh-1", migration("customer-email", Phase.DUAL_WRITE))) {
            registry.start();
            assertThat(rows("ancient-1")).isZero();
            assertThat(rows("recent-1")).as("dead, but not for long: kept, though not listed").isEqualTo(1);
            assertThat(registry.liveInstances("customer-email")).extracting(LiveInstance::instanceId).containsExactly("fresh-1");
        }
    }

    @Test
    void withoutMigrationsNothingIsRegistered() {
        try (InstanceRegistry registry = new InstanceRegistry(db.dataSource(), new MigrationCatalog(List.of()), "idle-1", FAST)) {
            registry.start();
            assertThat(rows("idle-1")).isZero();
        }
    }

    static long rows(String instanceId) {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from " + MigrationStateStore.INSTANCE_TABLE
                     + " where instance_id = '" + instanceId + "'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout);
            }
            Thread.sleep(50);
        }
    }
}
