package io.github.expandcontract.sample;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Reads and writes rows of {@code customers} with plain JDBC, never through JPA. */
final class CustomerRows {

    /** The columns of one customer row. */
    record Row(String name, String email, String emailAddress, Long creditLimitCents, BigDecimal creditLimit, long version) {
    }

    private final Supplier<Connection> connections;

    CustomerRows(Supplier<Connection> connections) {
        this.connections = connections;
    }

    /** The row with this id, or null when there is none. */
    Row find(long id) {
        try (Connection c = connections.get();
             PreparedStatement ps = c.prepareStatement(
                     "select name, email, email_address, credit_limit_cents, credit_limit, version from customers where id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4, Long.class),
                        rs.getBigDecimal(5), rs.getLong(6)) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    long count(String where) {
        try (Connection c = connections.get(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from customers" + (where == null ? "" : " where " + where))) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Inserts a row behind the application's back, with a credit limit of 0 in both columns. */
    long insert(String name, String email, String emailAddress) {
        return insert(name, email, emailAddress, 0L, BigDecimal.ZERO);
    }

    /** Inserts a row behind the application's back, e.g. one written by an older deployment. */
    long insert(String name, String email, String emailAddress, Long creditLimitCents, BigDecimal creditLimit) {
        try (Connection c = connections.get();
             PreparedStatement ps = c.prepareStatement("insert into customers (name, email, email_address, credit_limit_cents, credit_limit, "
                     + "version) values (?, ?, ?, ?, ?, 0)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, name);
            ps.setString(2, email);
            ps.setString(3, emailAddress);
            ps.setObject(4, creditLimitCents, java.sql.Types.BIGINT);
            ps.setBigDecimal(5, creditLimit);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong("id");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Column name to "is nullable" for the customers table, from information_schema. */
    Map<String, Boolean> nullability() {
        try (Connection c = connections.get();
             PreparedStatement ps = c.prepareStatement("select column_name, is_nullable from information_schema.columns "
                     + "where lower(table_name) = 'customers' and table_schema = current_schema()");
             ResultSet rs = ps.executeQuery()) {
            Map<String, Boolean> result = new HashMap<>();
            while (rs.next()) {
                result.put(rs.getString(1).toLowerCase(java.util.Locale.ROOT), "YES".equalsIgnoreCase(rs.getString(2)));
            }
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
