package io.github.expandcontract.liquibase;

import io.github.expandcontract.testsupport.PostgresTestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Reads PostgreSQL's catalog for the assertions of the tests, in the test's schema. */
final class PgCatalog {

    enum IndexState { MISSING, VALID, INVALID }

    private final PostgresTestDatabase database;

    PgCatalog(PostgresTestDatabase database) {
        this.database = database;
    }

    IndexState index(String name) {
        Boolean valid = query("select i.indisvalid from pg_index i join pg_class c on c.oid = i.indexrelid "
                + "where c.relname = ? and c.relnamespace = current_schema()::regnamespace", name);
        return valid == null ? IndexState.MISSING : valid ? IndexState.VALID : IndexState.INVALID;
    }

    boolean indexIsUnique(String name) {
        return Boolean.TRUE.equals(query("select i.indisunique from pg_index i join pg_class c on c.oid = i.indexrelid "
                + "where c.relname = ? and c.relnamespace = current_schema()::regnamespace", name));
    }

    boolean notNull(String table, String column) {
        return Boolean.TRUE.equals(query("select attnotnull from pg_attribute where attrelid = to_regclass(?) and attname = '"
                + column + "'", table));
    }

    boolean columnExists(String table, String column) {
        return query("select true from pg_attribute where attrelid = to_regclass(?) and not attisdropped and attname = '"
                + column + "'", table) != null;
    }

    boolean constraintExists(String table, String constraint) {
        return query("select true from pg_constraint where conrelid = to_regclass('" + table + "') and conname = ?", constraint) != null;
    }

    /** Whether the named check constraint exists and has been validated. */
    Boolean constraintValidated(String table, String constraint) {
        return query("select convalidated from pg_constraint where conrelid = to_regclass('" + table + "') and conname = ?", constraint);
    }

    private Boolean query(String sql, String parameter) {
        try (Connection connection = database.connect(); PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBoolean(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
