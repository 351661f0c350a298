package io.github.expandcontract.migration;

import io.github.expandcontract.ColumnConverter;
import io.github.expandcontract.phase.Phase;

import java.util.List;
import java.util.Locale;

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
 * @param kind          what the migration does: move a column ({@code @DualWrite}) or fill one column's NULLs
 *                      ({@code @FillNulls}; then old and new property, column and type are the same)
 * @param fillValue     {@code @FillNulls} only: the value written instead of NULL, as the entity holds it
 * @param fillJdbcValue {@code @FillNulls} only: the same value as the JDBC driver binds it (an enum's name or
 *                      ordinal, an {@code AttributeConverter}'s column value)
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
        ColumnValues newValues,
        Kind kind,
        Object fillValue,
        Object fillJdbcValue) {

    public Migration {
        entityNames = List.copyOf(entityNames);
    }

    /** A column move ({@code @DualWrite}) whose columns are read and bound with the JDBC driver's own mapping of the two types. */
    public Migration(String id, Phase phase, List<String> entityNames, String entity, String oldProperty, String newProperty,
                     TableName table, String oldColumn, String newColumn, ColumnConverter<Object, Object> converter,
                     String backfillSql, String idColumn, Class<?> idType, Class<?> oldType, Class<?> newType) {
        this(id, phase, entityNames, entity, oldProperty, newProperty, table, oldColumn, newColumn, converter, backfillSql,
                idColumn, idType, oldType, newType, ColumnValues.plainJdbc(oldType), ColumnValues.plainJdbc(newType),
                Kind.MOVE_COLUMN, null, null);
    }

    /** A {@code @FillNulls} migration of one column: old and new are that column. */
    public static Migration fillNulls(String id, Phase phase, List<String> entityNames, String entity, String property,
                                      TableName table, String column, String idColumn, Class<?> idType, Class<?> type,
                                      Object fillValue, Object fillJdbcValue) {
        return new Migration(id, phase, entityNames, entity, property, property, table, column, column,
                new ColumnConverter.Identity(), "", idColumn, idType,
                type, type, ColumnValues.plainJdbc(type), ColumnValues.plainJdbc(type), Kind.FILL_NULLS, fillValue, fillJdbcValue);
    }

    /** What a migration does to its table. */
    public enum Kind {
        /** {@code @DualWrite}: moves the values of an old column to a new one (rename, type change). */
        MOVE_COLUMN,
        /** {@code @FillNulls}: fills one column's NULLs with a value, so that it can become NOT NULL. */
        FILL_NULLS;

        /** The name shown by the Actuator endpoint: {@code move-column} or {@code fill-nulls}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Whether this is a {@code @FillNulls} migration of one column. */
    public boolean fillsNulls() {
        return kind == Kind.FILL_NULLS;
    }

    /**
     * The SQL condition that holds for a row the verification reports: the new column differs from
     * the (converted) old value, or, for {@code @FillNulls}, the column is still NULL.
     */
    public String mismatchCondition() {
        return fillsNulls() ? newColumn + " is null" : newColumn + " is distinct from " + newValueSql();
    }

    /** Whether the converter is the identity (old and new have the same type). */
    public boolean identity() {
        return converter instanceof ColumnConverter.Identity;
    }

    /** Whether the backfill and verification can copy and compare in SQL (identity or {@code backfillSql}). */
    public boolean convertsInSql() {
        return identity() || !backfillSql.isBlank();
    }

    /**
     * Whether the verification may compare in SQL: only where no Java conversion exists to check
     * against (identity without {@code backfillSql}, or {@code @FillNulls}). A {@code backfillSql}
     * is checked through the converter, so an expression that disagrees with it fails the
     * verification instead of agreeing with itself.
     */
    public boolean verifiesInSql() {
        return identity() && backfillSql.isBlank();
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
