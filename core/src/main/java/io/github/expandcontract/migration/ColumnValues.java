package io.github.expandcontract.migration;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads and binds one migrated column's values over plain JDBC as the entity's Java type, so the
 * backfill, the verification and the startup checks hand the converter the values Hibernate would
 * (an enum, an {@code Instant}, a value behind an {@code AttributeConverter}).
 */
public interface ColumnValues {

    Object read(ResultSet rs, int index) throws SQLException;

    void bind(PreparedStatement ps, int index, Object value) throws SQLException;

    /** The driver's own mapping: {@code getObject(index, type)} and {@code setObject}. */
    static ColumnValues plainJdbc(Class<?> type) {
        return new ColumnValues() {
            @Override
            public Object read(ResultSet rs, int index) throws SQLException {
                return rs.getObject(index, type);
            }

            @Override
            public void bind(PreparedStatement ps, int index, Object value) throws SQLException {
                ps.setObject(index, value);
            }
        };
    }
}
