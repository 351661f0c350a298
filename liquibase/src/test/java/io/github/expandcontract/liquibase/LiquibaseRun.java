package io.github.expandcontract.liquibase;

import io.github.expandcontract.testsupport.PostgresTestDatabase;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LiquibaseException;
import liquibase.resource.ClassLoaderResourceAccessor;

import java.io.StringWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs a changelog from the test classpath with Liquibase's own API, on a fresh connection each time. */
final class LiquibaseRun {

    /** Where the connections come from. */
    interface Connections {
        Connection connect() throws SQLException;
    }

    private final Connections database;
    private final String changelog;
    private final Map<String, String> parameters = new LinkedHashMap<>();

    private LiquibaseRun(Connections database, String changelog) {
        this.database = database;
        this.changelog = changelog;
    }

    static LiquibaseRun of(PostgresTestDatabase database, String changelog) {
        return new LiquibaseRun(database::connect, changelog);
    }

    static LiquibaseRun of(Connections database, String changelog) {
        return new LiquibaseRun(database, changelog);
    }

    LiquibaseRun parameter(String key, String value) {
        parameters.put(key, value);
        return this;
    }

    void update() throws LiquibaseException, SQLException {
        try (Connection connection = database.connect()) {
            liquibase(connection).update("");
        }
    }

    String updateSql() throws LiquibaseException, SQLException {
        try (Connection connection = database.connect()) {
            StringWriter out = new StringWriter();
            liquibase(connection).update("", out);
            return out.toString();
        }
    }

    void rollback(int changeSets) throws LiquibaseException, SQLException {
        try (Connection connection = database.connect()) {
            liquibase(connection).rollback(changeSets, "");
        }
    }

    String rollbackSql(int changeSets) throws LiquibaseException, SQLException {
        try (Connection connection = database.connect()) {
            StringWriter out = new StringWriter();
            liquibase(connection).rollback(changeSets, "", out);
            return out.toString();
        }
    }

    private Liquibase liquibase(Connection connection) throws LiquibaseException {
        Database lb = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
        Liquibase liquibase = new Liquibase(changelog, new ClassLoaderResourceAccessor(), lb);
        parameters.forEach(liquibase::setChangeLogParameter);
        return liquibase;
    }
}
