package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.autoconfigure.entities.owner.Owner;
import io.github.expandcontract.autoconfigure.metrics.BackfillProgressGauges;
import io.github.expandcontract.autoconfigure.metrics.ExpandContractMetricsAutoConfiguration;
import io.github.expandcontract.backfill.BackfillCoordinator;
import io.github.expandcontract.observe.MigrationObserver;
import io.github.expandcontract.testsupport.PostgresTestDatabase;
import io.github.expandcontract.verify.VerificationStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static io.github.expandcontract.autoconfigure.JpaTestSupport.inTransaction;
import static io.github.expandcontract.autoconfigure.metrics.MicrometerMigrationObserver.BACKFILL_BATCH;
import static io.github.expandcontract.autoconfigure.metrics.MicrometerMigrationObserver.BACKFILL_ROWS;
import static io.github.expandcontract.autoconfigure.metrics.MicrometerMigrationObserver.CONVERSION_ERRORS;
import static io.github.expandcontract.autoconfigure.metrics.MicrometerMigrationObserver.DUAL_WRITES;
import static io.github.expandcontract.autoconfigure.metrics.MicrometerMigrationObserver.FALLBACK_READS;
import static io.github.expandcontract.autoconfigure.metrics.MicrometerMigrationObserver.VERIFY_MISMATCHES;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The meters of the contract, read from Spring Boot's {@code SimpleMeterRegistry} after real work:
 * one application started three times, as a rollout would (dual-write, backfill, read-new), each
 * start with its own registry.
 */
class MetricsAutoConfigurationTests {

    static final String MIGRATION = Owner.MIGRATION;
    static final int SEEDED = 2_000;

    static final AutoConfigurations BOOT_METRICS = AutoConfigurations.of(MetricsAutoConfiguration.class,
            SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
            ExpandContractMetricsAutoConfiguration.class);

    static PostgresTestDatabase db;

    @BeforeAll
    static void createSchema() {
        db = PostgresTestDatabase.forClass(MetricsAutoConfigurationTests.class);
        db.execute(Owner.DDL);
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @BeforeEach
    void seed() {
        db.execute("delete from owners", "insert into owners select g, '555-' || g, null from generate_series(1, " + SEEDED + ") g",
                "drop table if exists expand_contract_backfill", "drop table if exists expand_contract_verification",
                "drop table if exists expand_contract_migration");
    }

    private static ApplicationContextRunner application(String phase) {
        return JpaTestSupport.runner(db, Owner.class).withConfiguration(BOOT_METRICS)
                .withPropertyValues("expand-contract.migrations.owner-phone.phase=" + phase);
    }

    private static double count(ApplicationContext context, String name) {
        return registry(context).get(name).tag("migration", MIGRATION).counter().count();
    }

    private static double progress(ApplicationContext context) {
        return registry(context).get(BackfillProgressGauges.BACKFILL_PROGRESS).tag("migration", MIGRATION).gauge().value();
    }

    private static Timer batches(ApplicationContext context) {
        return registry(context).get(BACKFILL_BATCH).tag("migration", MIGRATION).timer();
    }

    private static MeterRegistry registry(ApplicationContext context) {
        MeterRegistry registry = context.getBean(MeterRegistry.class);
        assertThat(registry).isInstanceOf(SimpleMeterRegistry.class);
        return registry;
    }

    /** Counts the batches a second observer bean is told of, to compare with the timer. */
    static final class BatchCounter implements MigrationObserver {
        final AtomicLong batches = new AtomicLong();
        final AtomicLong rows = new AtomicLong();

        @Override
        public void backfillBatch(String migrationId, long batchRows, Duration took) {
            batches.incrementAndGet();
            rows.addAndGet(batchRows);
        }
    }

    @Test
    void metersCountTheWorkOfEveryPhaseOfARollout() throws Exception {
        // dual-write: 3 inserts, 1 update that changes the phone, 1 that sets the same phone (no UPDATE)
        application("dual-write").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(count(context, DUAL_WRITES)).as("registered at zero before any write").isZero();
            inTransaction(context, em -> {
                em.persist(new Owner(5001L, "555-5001"));
                em.persist(new Owner(5002L, "555-5002"));
                em.persist(new Owner(5003L, null));
            });
            inTransaction(context, em -> em.find(Owner.class, 5001L).setTelephone("555-0000"));
            inTransaction(context, em -> em.find(Owner.class, 5002L).setTelephone("555-5002"));
            inTransaction(context, em -> em.find(Owner.class, 1L));

            assertThat(count(context, DUAL_WRITES)).isEqualTo(4.0);
            assertThat(count(context, FALLBACK_READS)).isZero();
            assertThat(count(context, BACKFILL_ROWS)).isZero();
            assertThat(batches(context).count()).isZero();
            assertThat(count(context, VERIFY_MISMATCHES)).isZero();
            assertThat(progress(context)).as("backfill not started").isZero();
        });

        // backfill: every row passed, one timer record per committed batch, a verification with 2 corrupt rows
        BatchCounter counter = new BatchCounter();
        application("backfill")
                .withBean("batchCounter", MigrationObserver.class, () -> counter)
                .withPropertyValues("expand-contract.migrations.owner-phone.backfill.batch-size=500")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    BackfillCoordinator coordinator = context.getBean(BackfillCoordinator.class);
                    awaitVerification(coordinator, VerificationStatus.PASSED);

                    assertThat(count(context, BACKFILL_ROWS)).isEqualTo(SEEDED + 3);
                    assertThat(coordinator.progress(MIGRATION).rowsProcessed()).isEqualTo(SEEDED + 3);
                    assertThat(counter.rows.get()).isEqualTo(SEEDED + 3);
                    assertThat(batches(context).count()).isEqualTo(counter.batches.get()).isGreaterThanOrEqualTo(2);
                    assertThat(batches(context).totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
                    assertThat(progress(context)).isEqualTo(1.0);
                    assertThat(count(context, VERIFY_MISMATCHES)).isZero();
                    assertThat(count(context, DUAL_WRITES)).isZero();

                    db.execute("update owners set phone_number = 'corrupt' where id in (7, 1999)");
                    assertThat(coordinator.verify(MIGRATION).get().mismatches()).isEqualTo(2);
                    assertThat(count(context, VERIFY_MISMATCHES)).isEqualTo(2.0);

                    db.execute("update owners set phone_number = telephone where id in (7, 1999)");
                    assertThat(coordinator.verify(MIGRATION).get().status()).isEqualTo(VerificationStatus.PASSED);
                    assertThat(count(context, VERIFY_MISMATCHES)).as("a clean verification adds nothing").isEqualTo(2.0);
                    assertThat(count(context, BACKFILL_ROWS)).as("verifying copies nothing").isEqualTo(SEEDED + 3);
                });

        // read-new: two rows written behind the library's back, one of them with an old value only
        db.execute("insert into owners values (6001, '555-6001', null), (6002, null, null)");
        application("read-new").run(context -> {
            assertThat(context).hasNotFailed();
            inTransaction(context, em -> {
                em.find(Owner.class, 6001L);
                em.find(Owner.class, 6002L);
                em.find(Owner.class, 1L);
            });
            inTransaction(context, em -> em.createQuery("from Owner", Owner.class).getResultList());
            assertThat(count(context, FALLBACK_READS)).as("row 6001, loaded twice").isEqualTo(2.0);

            inTransaction(context, em -> em.find(Owner.class, 6001L).setTelephone("555-6666"));
            assertThat(count(context, DUAL_WRITES)).isEqualTo(1.0);
            assertThat(count(context, FALLBACK_READS)).as("the update's load fell back once more").isEqualTo(3.0);
            assertThat(db.row("owners", 6001L)).containsEntry("phone_number", "555-6666");
            assertThat(count(context, BACKFILL_ROWS)).as("this instance ran no backfill").isZero();
            assertThat(progress(context)).as("the shared progress, whoever ran it").isEqualTo(1.0);
        });
    }

    @Test
    void progressGaugeReadsTheSharedStateAndReusesAReadingForAWhile() {
        MockClock clock = new MockClock();
        application("dual-write")
                .withBean(MeterRegistry.class, () -> new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(progress(context)).isZero();

                    // another instance's backfill, a quarter done
                    db.execute("insert into expand_contract_backfill (migration_id, status, pause_requested, rows_processed, "
                            + "rows_copied, rows_failed, rows_total, updated_at) values ('owner-phone', 'RUNNING', false, 500, 500, 0, "
                            + "2000, now())");
                    assertThat(progress(context)).as("the reading is reused").isZero();
                    clock.add(Duration.ofSeconds(4));
                    assertThat(progress(context)).as("still reused").isZero();
                    clock.add(Duration.ofSeconds(1));
                    assertThat(progress(context)).isEqualTo(0.25);

                    db.execute("alter table expand_contract_backfill rename to expand_contract_backfill_away");
                    clock.add(Duration.ofSeconds(5));
                    assertThat(progress(context)).as("unreadable").isNaN();
                    db.execute("alter table expand_contract_backfill_away rename to expand_contract_backfill",
                            "update expand_contract_backfill set status = 'COMPLETED'");
                    clock.add(Duration.ofSeconds(5));
                    assertThat(progress(context)).isEqualTo(1.0);
                });
    }

    @Test
    void bootsMeterFilterTurnsTheMetersOff() {
        application("dual-write").withPropertyValues("management.metrics.enable.expandcontract=false").run(context -> {
            assertThat(context).hasNotFailed();
            inTransaction(context, em -> em.persist(new Owner(5001L, "555-5001")));
            assertThat(db.row("owners", 5001L)).containsEntry("phone_number", "555-5001");
            assertThat(registry(context).find(DUAL_WRITES).meters()).isEmpty();
            assertThat(registry(context).find(BackfillProgressGauges.BACKFILL_PROGRESS).meters()).isEmpty();
        });
    }

    private static void awaitVerification(BackfillCoordinator coordinator, VerificationStatus expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (coordinator.verification(MIGRATION).status() != expected) {
            assertThat(System.nanoTime()).as("verification %s in time", expected).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void conversionErrorsAreCountedPerMigrationFromZero() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        io.github.expandcontract.autoconfigure.metrics.MicrometerMigrationObserver observer =
                new io.github.expandcontract.autoconfigure.metrics.MicrometerMigrationObserver(registry);
        observer.registerMeters("a");
        assertThat(registry.get(CONVERSION_ERRORS).tag("migration", "a").counter().count()).isZero();
        observer.conversionError("a");
        observer.conversionError("a");
        observer.conversionError("b");
        assertThat(registry.get(CONVERSION_ERRORS).tag("migration", "a").counter().count()).isEqualTo(2.0);
        assertThat(registry.get(CONVERSION_ERRORS).tag("migration", "b").counter().count()).isEqualTo(1.0);
    }
}
