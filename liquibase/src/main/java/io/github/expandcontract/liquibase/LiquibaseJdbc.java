package io.github.expandcontract.liquibase;

import liquibase.database.Database;
import liquibase.database.DatabaseConnection;
import liquibase.database.jvm.JdbcConnection;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

/** The JDBC connection behind a Liquibase {@link Database}, for work Liquibase's statements cannot express. */
public final class LiquibaseJdbc {

    private LiquibaseJdbc() {
    }

    /**
     * @throws IllegalStateException when Liquibase runs without a JDBC connection (offline {@code updateSQL})
     */
    public static Connection connection(Database database, String what) {
        DatabaseConnection connection = database.getConnection();
        if (connection instanceof JdbcConnection jdbc) {
            return jdbc.getUnderlyingConnection();
        }
        throw new IllegalStateException(what + " needs a JDBC connection to the database; Liquibase runs with "
                + (connection == null ? "none" : connection.getClass().getSimpleName()));
    }

    /** Whether the table exists in the connection's current schema (in the case PostgreSQL or H2 stores it). */
    public static boolean tableExists(Connection connection, String table) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        for (String name : new String[] {table, table.toUpperCase(Locale.ROOT)}) {
            try (ResultSet rs = meta.getTables(connection.getCatalog(), connection.getSchema(), name, new String[] {"TABLE"})) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }
}
