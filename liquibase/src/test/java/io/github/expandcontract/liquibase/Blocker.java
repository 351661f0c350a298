package io.github.expandcontract.liquibase;

import io.github.expandcontract.testsupport.PostgresTestDatabase;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A long transaction that has read from a table and stays open: it holds ACCESS SHARE, which does
 * not bother writers but makes any ACCESS EXCLUSIVE request wait, and every writer queue behind it.
 */
final class Blocker implements AutoCloseable {

    private final Connection connection;
    private final int pid;

    Blocker(PostgresTestDatabase db, String table) throws SQLException {
        connection = db.connect();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("select pg_backend_pid(), (select count(*) from " + table + " where id = 1)")) {
            rs.next();
            pid = rs.getInt(1);
        }
    }

    int pid() {
        return pid;
    }

    /** Ends the transaction; may be called again, from any thread. */
    @Override
    public synchronized void close() throws SQLException {
        if (!connection.isClosed()) {
            connection.rollback();
            connection.close();
        }
    }
}
