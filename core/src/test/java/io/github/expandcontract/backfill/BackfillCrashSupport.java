package io.github.expandcontract.backfill;

import io.github.expandcontract.state.MigrationStateStore;
import io.github.expandcontract.testsupport.PostgresTestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static io.github.expandcontract.backfill.BackfillChildProcess.MIGRATION;
import static io.github.expandcontract.backfill.BackfillChildProcess.TABLE;

/**
 * Plain-JDBC helpers of the crash and lease tests: the seeded table, an audit of the backfill's
 * committed writes, and the raw state row (lease columns as stored, not as the engine reads them).
 */
final class BackfillCrashSupport {

    static final String AUDIT = "backfill_audit";

    private BackfillCrashSupport() {
    }

    /**
     * Creates {@value BackfillChildProcess#TABLE} with {@code rows} rows (label set, label_copy NULL),
     * the state tables, and an audit: an AFTER UPDATE OF label_copy trigger that records, per row
     * written, the writer's application_name (= instance id), its transaction and the time. The
     * audit rows are part of the writing transaction, so a rolled-back window leaves none.
     */
    static void seed(PostgresTestDatabase db, int rows) {
        String audit = db.schema() + "." + AUDIT;
        db.execute("create table " + TABLE + " (id bigint primary key, label varchar(100), label_copy varchar(100))",
                "insert into " + TABLE + " select g, 'label-' || g, null from generate_series(1, " + rows + ") g",
                "analyze " + TABLE,
                "create table " + AUDIT + " (id bigint not null, written_by text not null, txid bigint not null, "
                        + "written_at timestamptz not null)",
                "create function " + db.schema() + ".backfill_audit_row() returns trigger language plpgsql as $$ begin "
                        + "insert into " + audit + " values (new.id, current_setting('application_name'), txid_current(), clock_timestamp()); "
                        + "return null; end $$",
                "create trigger backfill_audit_label_copy after update of label_copy on " + TABLE
                        + " for each row execute function " + db.schema() + ".backfill_audit_row()");
        // the state tables exist before any instance starts, so that instances started at the same
        // moment do not race each other creating them
        try (Connection c = db.connect()) {
            new MigrationStateStore(true).ensureSchema(c);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The backfill state row exactly as stored (lease_owner even when expired) and the database's clock. */
    record StateRow(String status, long rowsProcessed, long rowsCopied, Long rowsTotal, String lastKey, String leaseOwner,
                    Instant leaseUntil, Instant databaseNow) {
    }

    static StateRow state(PostgresTestDatabase db) {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("select status, rows_processed, rows_copied, rows_total, last_key, lease_owner, "
                     + "lease_until, clock_timestamp() from " + MigrationStateStore.BACKFILL_TABLE + " where migration_id = ?")) {
            ps.setString(1, MIGRATION);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new StateRow(rs.getString(1), rs.getLong(2), rs.getLong(3), (Long) rs.getObject(4, Long.class), rs.getString(5),
                        rs.getString(6), instant(rs.getTimestamp(7)), instant(rs.getTimestamp(8)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long rowsProcessed(PostgresTestDatabase db) {
        StateRow state = state(db);
        return state == null ? 0 : state.rowsProcessed();
    }

    static String leaseOwner(PostgresTestDatabase db) {
        StateRow state = state(db);
        return state == null ? null : state.leaseOwner();
    }

    static long queryLong(PostgresTestDatabase db, String sql) {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static Instant queryInstant(PostgresTestDatabase db, String sql) {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return instant(rs.getTimestamp(1));
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static String queryString(PostgresTestDatabase db, String sql) {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Open database sessions of an instance (its connections carry the instance id as application_name). */
    static long backendsOf(PostgresTestDatabase db, String instanceId) {
        return queryLong(db, "select count(*) from pg_stat_activity where application_name = '" + instanceId + "'");
    }

    /** Rows whose label_copy differs from label, read with plain JDBC. */
    static long rowsNotCopied(PostgresTestDatabase db) {
        return queryLong(db, "select count(*) from " + TABLE + " where label_copy is distinct from label");
    }

    /** Rows the backfill wrote in more than one committed transaction. */
    static long rowsWrittenMoreThanOnce(PostgresTestDatabase db) {
        return queryLong(db, "select count(*) from (select id from " + AUDIT + " group by id having count(*) > 1) twice");
    }

    static long rowsWrittenBy(PostgresTestDatabase db, String instanceId) {
        return queryLong(db, "select count(*) from " + AUDIT + " where written_by = '" + instanceId + "'");
    }

    static String verificationStatus(PostgresTestDatabase db) {
        return queryString(db, "select status || ' checked=' || rows_checked || ' mismatches=' || mismatches from "
                + MigrationStateStore.VERIFICATION_TABLE + " where migration_id = '" + MIGRATION + "'");
    }

    /** Polls every 20 ms until the condition holds; fails with the message after the timeout. */
    static Duration await(BooleanSupplier condition, Duration timeout, Supplier<String> message) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + message.get());
            }
            Thread.sleep(20);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
