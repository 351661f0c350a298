package io.github.expandcontract.verify;

import io.github.expandcontract.backfill.BatchCopier;
import io.github.expandcontract.backfill.KeysetTable;
import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.observe.MigrationObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares every row's new column with the converted old value, in keyset chunks: in SQL for an
 * identity migration, through the Java converter otherwise, also where the backfill copied with
 * {@code backfillSql} (the converter is what dual writes use, so it is what the copy must match).
 * For a {@code @FillNulls} migration a mismatch is a row whose column is still NULL.
 * Records rows checked, the mismatch count and a sample of mismatching ids.
 */
public final class Verifier {

    private static final Logger log = LoggerFactory.getLogger(Verifier.class);
    private static final int SAMPLE_SIZE = 10;

    private final DataSource dataSource;
    private final VerificationRepository repository = new VerificationRepository();
    private final int chunkSize;
    private final MigrationObserver observer;

    public Verifier(DataSource dataSource, int chunkSize) {
        this(dataSource, chunkSize, MigrationObserver.NONE);
    }

    /** @param observer told of the mismatches each chunk finds, as it finds them */
    public Verifier(DataSource dataSource, int chunkSize, MigrationObserver observer) {
        this.dataSource = dataSource;
        this.chunkSize = chunkSize;
        this.observer = observer;
    }

    /** Called after each chunk of a verification, e.g. to renew the backfill lease it runs under. */
    @FunctionalInterface
    public interface ChunkListener {
        /** @param connection the verification's own connection (auto-commit), so no second one is needed */
        void chunkChecked(Connection connection, long rowsChecked) throws SQLException;
    }

    public VerificationResult verify(Migration migration) throws SQLException {
        return verify(migration, (connection, rowsChecked) -> {
        });
    }

    public VerificationResult verify(Migration migration, ChunkListener listener) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            // the database's clock, like the fleet's leave times the read-new gate compares it with
            Instant started = databaseNow(c);
            repository.save(c, new VerificationResult(migration.id(), VerificationStatus.RUNNING, 0, 0, List.of(), started, null));
            KeysetTable keyset = new KeysetTable(migration, KeysetTable.isPostgres(c));
            long checked = 0;
            long mismatches = 0;
            List<String> sample = new ArrayList<>();
            Object after = null;
            long lastLog = System.nanoTime();
            while (true) {
                KeysetTable.Window window = keyset.nextWindow(c, after, chunkSize);
                if (window.rows() == 0) {
                    break;
                }
                long found = migration.verifiesInSql()
                        ? mismatchesInSql(c, keyset, after, window, sample)
                        : mismatchesInJava(c, keyset, after, window, sample);
                if (found > 0) {
                    observer.verificationMismatches(migration.id(), found);
                }
                mismatches += found;
                checked += window.rows();
                after = window.lastKey();
                listener.chunkChecked(c, checked);
                if (System.nanoTime() - lastLog > Duration.ofSeconds(5).toNanos()) {
                    log.info("expand-contract migration '{}': verification checked {} rows, {} mismatches so far",
                            migration.id(), checked, mismatches);
                    lastLog = System.nanoTime();
                }
            }
            VerificationResult result = new VerificationResult(migration.id(),
                    mismatches == 0 ? VerificationStatus.PASSED : VerificationStatus.FAILED,
                    checked, mismatches, List.copyOf(sample), started, databaseNow(c));
            repository.save(c, result);
            if (result.status() == VerificationStatus.PASSED) {
                log.info("expand-contract migration '{}': verification PASSED, {} rows checked, 0 mismatches", migration.id(), checked);
            } else {
                log.warn("expand-contract migration '{}': verification FAILED, {} rows checked, {} mismatches (e.g. ids {}). "
                        + "Find what wrote them, then restart the backfill and verify again.", migration.id(), checked, mismatches, sample);
            }
            return result;
        }
    }

    /** Now on the database's clock: verification times are compared with the fleet's stamps, which use it. */
    public static Instant databaseNow(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(KeysetTable.SQL_MARKER + "select current_timestamp");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    private static long mismatchesInSql(Connection c, KeysetTable keyset, Object after, KeysetTable.Window window,
                                        List<String> sample) throws SQLException {
        Migration m = keyset.migration;
        String where = " from " + keyset.table + " where " + keyset.windowPredicate(after) + " and " + m.mismatchCondition();
        long count;
        try (PreparedStatement ps = c.prepareStatement(KeysetTable.SQL_MARKER + "select count(*)" + where)) {
            keyset.bindWindow(ps, 1, after, window.lastKey());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                count = rs.getLong(1);
            }
        }
        if (count > 0 && sample.size() < SAMPLE_SIZE) {
            try (PreparedStatement ps = c.prepareStatement(KeysetTable.SQL_MARKER + "select " + keyset.id + where + " order by " + keyset.id + " limit "
                    + (SAMPLE_SIZE - sample.size()))) {
                keyset.bindWindow(ps, 1, after, window.lastKey());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sample.add(rs.getString(1));
                    }
                }
            }
        }
        return count;
    }

    private static long mismatchesInJava(Connection c, KeysetTable keyset, Object after, KeysetTable.Window window,
                                         List<String> sample) throws SQLException {
        Migration m = keyset.migration;
        long count = 0;
        try (PreparedStatement ps = c.prepareStatement(KeysetTable.SQL_MARKER + "select " + keyset.id + ", " + m.oldColumn() + ", " + m.newColumn()
                + " from " + keyset.table + " where " + keyset.windowPredicate(after) + " order by " + keyset.id)) {
            keyset.bindWindow(ps, 1, after, window.lastKey());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object oldValue = m.oldValues().read(rs, 2);
                    Object newValue = m.newValues().read(rs, 3);
                    boolean mismatch;
                    try {
                        mismatch = !BatchCopier.sameValue(oldValue == null ? null : m.converter().toNew(oldValue), newValue);
                    } catch (RuntimeException e) {
                        mismatch = true; // a value that does not convert is reported, never skipped
                    }
                    if (mismatch) {
                        count++;
                        if (sample.size() < SAMPLE_SIZE) {
                            sample.add(rs.getString(1));
                        }
                    }
                }
            }
        }
        return count;
    }
}
