package io.github.expandcontract.testsupport;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A PostgreSQL database for one test class, in a schema of its own so that test classes never see
 * each other's tables.
 * <p>
 * The server is found in this order:
 * <ol>
 *   <li>the environment variable {@value #URL_ENV} (with {@code _USER} and {@code _PASSWORD});</li>
 *   <li>a Testcontainers PostgreSQL container, when a Docker engine is available;</li>
 *   <li>otherwise the test fails with a message that says how to provide one. It is never skipped.</li>
 * </ol>
 */
public final class PostgresTestDatabase implements AutoCloseable {

    public static final String URL_ENV = "EXPAND_CONTRACT_TEST_JDBC_URL";

    private static Server server;

    private record Server(String url, String user, String password) {
    }

    private final String schema;
    private final Server base;

    private PostgresTestDatabase(Server base, String schema) {
        this.base = base;
        this.schema = schema;
    }

    /** Creates a fresh schema for the given test class; close it to drop the schema. */
    public static PostgresTestDatabase forClass(Class<?> testClass) {
        Server base = server();
        String name = ("ect_" + testClass.getSimpleName() + "_" + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        PostgresTestDatabase database = new PostgresTestDatabase(base, name);
        database.execute("CREATE SCHEMA " + name);
        return database;
    }

    private static synchronized Server server() {
        if (server != null) {
            return server;
        }
        String url = System.getenv(URL_ENV);
        if (url != null && !url.isBlank()) {
            server = new Server(url, envOr(URL_ENV.replace("_URL", "_USER"), "postgres"), envOr(URL_ENV.replace("_URL", "_PASSWORD"), ""));
        } else if (dockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:15-alpine");
            container.start();
            server = new Server(container.getJdbcUrl(), container.getUsername(), container.getPassword());
        } else {
            throw new IllegalStateException("These tests need PostgreSQL and none was found. Either set " + URL_ENV
                    + " (e.g. jdbc:postgresql://127.0.0.1:5432/test) with " + URL_ENV.replace("_URL", "_USER") + " and "
                    + URL_ENV.replace("_URL", "_PASSWORD") + ", or make a Docker engine available for Testcontainers. "
                    + ".ci/run sets the variable for the local server.");
        }
        return server;
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }

    /** The JDBC URL with this test's schema as the current schema. */
    public String jdbcUrl() {
        return base.url() + (base.url().contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    public String user() {
        return base.user();
    }

    public String password() {
        return base.password();
    }

    public String schema() {
        return schema;
    }

    /** A new connection whose current schema is this test's schema. */
    public Connection connect() {
        try {
            return DriverManager.getConnection(jdbcUrl(), user(), password());
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot connect to " + jdbcUrl() + ": " + e.getMessage(), e);
        }
    }

    /** A plain (unpooled) DataSource on this test's schema. */
    public javax.sql.DataSource dataSource() {
        org.postgresql.ds.PGSimpleDataSource dataSource = new org.postgresql.ds.PGSimpleDataSource();
        dataSource.setUrl(jdbcUrl());
        dataSource.setUser(user());
        dataSource.setPassword(password());
        return dataSource;
    }

    /** Runs SQL statements (DDL or DML) in this schema, each in its own auto-commit transaction. */
    public void execute(String... statements) {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
        }
    }

    /**
     * Reads one row by its {@code id} column with plain JDBC, never through Hibernate.
     *
     * @return column name to value, or {@code null} when there is no such row
     */
    public Map<String, Object> row(String table, Object id) {
        try (Connection connection = connect();
             PreparedStatement statement = connection.prepareStatement("select * from " + table + " where id = ?")) {
            statement.setObject(1, id);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                }
                return row;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read row " + id + " of " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
}
