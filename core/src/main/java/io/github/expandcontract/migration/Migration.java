package io.github.expandcontract.migration;

import io.github.expandcontract.ColumnConverter;
import io.github.expandcontract.phase.Phase;

import java.util.List;

/**
 * One declared migration, resolved against the Hibernate mapping: which entity, properties,
 * table and columns it moves, and the phase this application instance runs it in.
 *
 * @param id            the migration id from {@code @DualWrite(migration = ...)}
 * @param phase         the phase configured for this instance
 * @param entityNames   the entities that map the two properties (several with inheritance)
 * @param entity        the simple name of the class that declares the {@code @DualWrite} field
 * @param oldProperty   the old persistent property (the annotation's {@code from})
 * @param newProperty   the annotated new persistent property
 * @param table         the table as the database names it, with schema where one is mapped
 * @param oldColumn     the old column's name
 * @param newColumn     the new column's name
 * @param converter     converts between the old and new field types
 * @param backfillSql   optional SQL expression of the old column for in-database backfill
 * @param idColumn      the table's single primary-key column, or {@code null} for a composite key
 * @param idType        the Java type of the identifier
 * @param oldType       the Java type of the old property (wrapper types)
 * @param newType       the Java type of the new property (wrapper types)
 * @param oldValues     reads and binds the old column's values as {@code oldType}
 * @param newValues     reads and binds the new column's values as {@code newType}
 */
public record Migration(
        String id,
        Phase phase,
        List<String> entityNames,
        String entity,
        String oldProperty,
        String newProperty,
        TableName table,
        String oldColumn,
        String newColumn,
        ColumnConverter<Object, Object> converter,
        String backfillSql,
        String idColumn,
        Class<?> idType,
        Class<?> oldType,
        Class<?> newType,
        ColumnValues oldValues,
        ColumnValues newValues) {

    public Migration {
        entityNames = List.copyOf(entityNames);
    }

    /** A migration whose columns are read and bound with the JDBC driver's own mapping of the two types. */
    public Migration(String id, Phase phase, List<String> entityNames, String entity, String oldProperty, String newProperty,
                     TableName table, String oldColumn, String newColumn, ColumnConverter<Object, Object> converter,
                     String backfillSql, String idColumn, Class<?> idType, Class<?> oldType, Class<?> newType) {
        this(id, phase, entityNames, entity, oldProperty, newProperty, table, oldColumn, newColumn, converter, backfillSql,
                idColumn, idType, oldType, newType, ColumnValues.plainJdbc(oldType), ColumnValues.plainJdbc(newType));
    }

    /** Whether the converter is the identity (old and new have the same type). */
    public boolean identity() {
        return converter instanceof ColumnConverter.Identity;
    }

    /** Whether the backfill and verification can copy and compare in SQL (identity or {@code backfillSql}). */
    public boolean convertsInSql() {
        return identity() || !backfillSql.isBlank();
    }

    /** The SQL expression giving the new column's value from a row: the old column or {@code backfillSql}. */
    public String newValueSql() {
        return backfillSql.isBlank() ? oldColumn : "(" + backfillSql + ")";
    }

    /** A table name with its optional catalog and schema, and whether each part was quoted. */
    public record TableName(String catalog, String schema, String name, boolean quoted) {
        @Override
        public String toString() {
            return (schema == null ? "" : schema + ".") + name;
        }
    }
}
