package io.github.expandcontract.migration;

import io.github.expandcontract.ColumnConverter;
import io.github.expandcontract.phase.Phase;

/**
 * Which way the backfill copies and the verification compares. {@link #FORWARD} copies old to
 * new (phase backfill). {@link #REVERSE} copies new back to old after contract, so that phases
 * that read old become safe again; it runs the same engine on a {@linkplain #apply mirrored}
 * migration (old and new swapped, the converter inverted) and keeps its progress and verification
 * under its own id, {@code <id>#reverse}, beside the forward ones.
 */
public enum Direction {
    FORWARD, REVERSE;

    private static final String REVERSE_SUFFIX = "#reverse";

    /** The id the backfill and verification of this direction are recorded under. */
    public String stateId(String migrationId) {
        return this == FORWARD ? migrationId : migrationId + REVERSE_SUFFIX;
    }

    /**
     * Whether a live instance in {@code phase} keeps this direction's copy from being trusted: it
     * does not write the column being filled, so rows it writes after the copy passed them are stale
     * there (forward: expand does not write new; reverse: contract does not write old).
     */
    public boolean blockedBy(Phase phase) {
        return this == FORWARD ? !phase.writesNew() : !phase.writesOld();
    }

    /** The column this direction fills. */
    public String targetColumn(Migration migration) {
        return this == FORWARD ? migration.newColumn() : migration.oldColumn();
    }

    /**
     * The migration as the copier and verifier see it in this direction. Reverse: old and new
     * swapped, the converter inverted, no {@code backfillSql} (it converts old to new), under
     * {@link #stateId}; identity still copies in SQL.
     */
    public Migration apply(Migration m) {
        if (this == FORWARD) {
            return m;
        }
        ColumnConverter<Object, Object> converter = m.identity() ? m.converter() : new Inverted(m.converter());
        // the value mappings swap with the columns: Hibernate's own, so enums, Instant and AttributeConverters work both ways
        return new Migration(stateId(m.id()), m.phase(), m.entityNames(), m.entity(), m.newProperty(), m.oldProperty(), m.table(),
                m.newColumn(), m.oldColumn(), converter, "", m.idColumn(), m.idType(), m.newType(), m.oldType(),
                m.newValues(), m.oldValues(), m.kind(), m.fillValue(), m.fillJdbcValue());
    }

    private record Inverted(ColumnConverter<Object, Object> converter) implements ColumnConverter<Object, Object> {
        @Override
        public Object toNew(Object oldValue) {
            return converter.toOld(oldValue);
        }

        @Override
        public Object toOld(Object newValue) {
            return converter.toNew(newValue);
        }
    }
}
