package io.github.expandcontract.schema;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The columns of one table as the database reports them through JDBC metadata: the real schema,
 * not the mapping.
 */
public final class TableColumns {

    /** One column: whether it takes NULL and whether it has a default. */
    public record Column(String name, boolean nullable, boolean hasDefault, String typeName) {
    }

    private final Map<String, Column> columns;

    private TableColumns(Map<String, Column> columns) {
        this.columns = columns;
    }

    /**
     * Reads a table's columns.
     *
     * @param schema the schema, or {@code null} for the connection's current schema
     * @return empty when the table does not exist there
     */
    public static Optional<TableColumns> read(Connection connection, String catalog, String schema, String table) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        String schemaToSearch = schema != null ? schema : connection.getSchema();
        Optional<TableColumns> found = readExact(meta, catalog, schemaToSearch, table);
        if (found.isEmpty()) {
            // unquoted identifiers are folded by the database: lower case on PostgreSQL, upper case on H2
            found = readExact(meta, catalog, fold(meta, schemaToSearch), fold(meta, table));
        }
        return found;
    }

    private static String fold(DatabaseMetaData meta, String identifier) throws SQLException {
        if (identifier == null) {
            return null;
        }
        if (meta.storesUpperCaseIdentifiers()) {
            return identifier.toUpperCase(Locale.ROOT);
        }
        if (meta.storesLowerCaseIdentifiers()) {
            return identifier.toLowerCase(Locale.ROOT);
        }
        return identifier;
    }

    private static Optional<TableColumns> readExact(DatabaseMetaData meta, String catalog, String schema, String table) throws SQLException {
        Map<String, Column> columns = new LinkedHashMap<>();
        try (ResultSet rs = meta.getColumns(catalog, escape(meta, schema), escape(meta, table), "%")) {
            while (rs.next()) {
                String name = rs.getString("COLUMN_NAME");
                columns.put(name, new Column(name,
                        rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls,
                        rs.getString("COLUMN_DEF") != null,
                        rs.getString("TYPE_NAME")));
            }
        }
        return columns.isEmpty() ? Optional.empty() : Optional.of(new TableColumns(columns));
    }

    /** Metadata arguments are LIKE patterns: a table named {@code my_table} must not match {@code myXtable}. */
    private static String escape(DatabaseMetaData meta, String pattern) throws SQLException {
        if (pattern == null) {
            return null;
        }
        String escape = meta.getSearchStringEscape();
        if (escape == null || escape.isEmpty()) {
            return pattern;
        }
        return pattern.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }

    /** Finds a column by its exact name, else ignoring case (unquoted identifiers are folded). */
    public Optional<Column> column(String name) {
        Column exact = columns.get(name);
        if (exact != null) {
            return Optional.of(exact);
        }
        return columns.values().stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst();
    }
}
