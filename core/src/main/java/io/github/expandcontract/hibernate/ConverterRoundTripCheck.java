package io.github.expandcontract.hibernate;

import io.github.expandcontract.backfill.BatchCopier;
import io.github.expandcontract.backfill.KeysetTable;
import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.phase.Phase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Startup check of each converter migration, run after the schema check and before any write:
 * reads a sample of existing old values and warns, with examples, about those the converter
 * cannot take to the new type and back unchanged ({@code toOld(toNew(x))} differs from {@code x},
 * or {@code toNew} throws). Such rows are the ones a dual write fails on (or writes NULL for) and
 * the backfill leaves behind.
 * <p>
 * It only warns: it never fails startup, and it reads with one plain, bounded SELECT (no row
 * locks; the table lock it takes does not conflict with writers), under a query timeout. Phase
 * {@code contract} is skipped: the old column no longer matters.
 */
final class ConverterRoundTripCheck {

    private static final Logger log = LoggerFactory.getLogger(ConverterRoundTripCheck.class);
    private static final int EXAMPLES = 5;
    private static final int QUERY_TIMEOUT_SECONDS = 10;

    private final List<Migration> migrations;
    private final int sampleSize;

    /** @param sampleSize rows read per migration; 0 turns the check off */
    ConverterRoundTripCheck(List<Migration> migrations, int sampleSize) {
        this.migrations = migrations;
        this.sampleSize = sampleSize;
    }

    void run(ExpandContractIntegrator.ConnectionSupplier connections) {
        if (sampleSize == 0) {
            return;
        }
        for (Migration m : migrations) {
            if (m.identity() || m.phase() == Phase.CONTRACT) {
                continue;
            }
            try {
                connections.inAutoCommit(connection -> check(connection, m));
            } catch (SQLException | RuntimeException e) {
                log.warn("expand-contract migration '{}': the startup round-trip check of converter {} could not read its sample "
                        + "({}); startup goes on without it.", m.id(), m.converter().getClass().getSimpleName(), e.toString());
            }
        }
    }

    private void check(Connection connection, Migration m) throws SQLException {
        // the lowest ids (an index scan on the primary key), so the examples come in a stable order
        String id = m.idColumn() != null ? m.idColumn() : "null";
        String sql = KeysetTable.SQL_MARKER + "select " + id + ", " + m.oldColumn() + " from " + m.table()
                + " where " + m.oldColumn() + " is not null" + (m.idColumn() != null ? " order by " + id : "") + " limit ?";
        int checked = 0;
        List<String> examples = new ArrayList<>();
        int failures = 0;
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            ps.setInt(1, sampleSize);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    checked++;
                    String problem = roundTripProblem(m, m.oldValues().read(rs, 2));
                    if (problem != null) {
                        failures++;
                        if (examples.size() < EXAMPLES) {
                            examples.add("id " + rs.getString(1) + ": " + problem);
                        }
                    }
                }
            }
        }
        if (failures > 0) {
            log.warn("expand-contract migration '{}': converter {} does not round-trip {} of {} sampled rows of {} "
                            + "(toOld(toNew(x)) must give x back), e.g. {}. A dual write of such a row fails, or writes NULL to {} with "
                            + "on-conversion-error=write-null; the backfill leaves it and counts it as failed, and the verification "
                            + "reports it. Fix these values in {}, or use a converter that keeps them.",
                    m.id(), m.converter().getClass().getSimpleName(), failures, checked, m.table(),
                    String.join("; ", examples), m.newColumn(), m.oldColumn());
        } else {
            log.debug("expand-contract migration '{}': converter round-trips all {} sampled rows", m.id(), checked);
        }
    }

    /** What goes wrong taking the value to the new type and back, or null when it comes back equal. */
    private static String roundTripProblem(Migration m, Object oldValue) {
        Object newValue;
        try {
            newValue = m.converter().toNew(oldValue);
        } catch (RuntimeException e) {
            return "'" + oldValue + "' does not convert (" + e + ")";
        }
        try {
            Object back = newValue == null ? null : m.converter().toOld(newValue);
            return BatchCopier.sameValue(oldValue, back) ? null
                    : "'" + oldValue + "' -> '" + newValue + "' -> '" + back + "'";
        } catch (RuntimeException e) {
            return "'" + oldValue + "' -> '" + newValue + "' does not convert back (" + e + ")";
        }
    }
}
