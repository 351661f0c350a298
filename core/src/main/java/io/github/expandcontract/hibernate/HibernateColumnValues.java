package io.github.expandcontract.hibernate;

import io.github.expandcontract.migration.ColumnValues;
import org.hibernate.metamodel.mapping.JdbcMapping;
import org.hibernate.type.descriptor.ValueBinder;
import org.hibernate.type.descriptor.WrapperOptions;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Supplier;

/**
 * A column's values as the entity's attribute maps them: Hibernate's own extractor and binder of
 * the attribute's {@link JdbcMapping}, with its {@code AttributeConverter} if it has one.
 */
final class HibernateColumnValues implements ColumnValues {

    private final JdbcMapping mapping;
    /** The session factory's options, looked up at first use: they do not exist yet while the boot model is read. */
    private final Supplier<WrapperOptions> options;

    HibernateColumnValues(JdbcMapping mapping, Supplier<WrapperOptions> options) {
        this.mapping = mapping;
        this.options = options;
    }

    @Override
    public Object read(ResultSet rs, int index) throws SQLException {
        Object relational = mapping.getJdbcValueExtractor().extract(rs, index, options.get());
        return relational == null ? null : mapping.convertToDomainValue(relational);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void bind(PreparedStatement ps, int index, Object value) throws SQLException {
        ((ValueBinder<Object>) mapping.getJdbcValueBinder())
                .bind(ps, value == null ? null : mapping.convertToRelationalValue(value), index, options.get());
    }
}
