package io.github.expandcontract.hibernate;

import io.github.expandcontract.ColumnConverter;
import io.github.expandcontract.DualWrite;
import io.github.expandcontract.FillNulls;
import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.convert.ContextualConverter;
import io.github.expandcontract.convert.ConverterContext;
import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.migration.MigrationConfigurationException;
import io.github.expandcontract.phase.Phase;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.model.naming.Identifier;
import org.hibernate.mapping.BasicValue;
import org.hibernate.mapping.Column;
import org.hibernate.mapping.PersistentClass;
import org.hibernate.mapping.Property;
import org.hibernate.mapping.Table;
import org.hibernate.type.descriptor.converter.spi.BasicValueConverter;
import org.hibernate.type.descriptor.java.JavaType;
import org.hibernate.type.descriptor.WrapperOptions;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Finds the {@code @DualWrite} and {@code @FillNulls} fields of a persistence unit in Hibernate's
 * boot model, validates each declaration and its configuration, and takes out of the SQL the
 * column the configured phase must not write ({@code @DualWrite} only: a {@code @FillNulls}
 * column is written in every phase).
 */
final class MigrationDiscovery {

    private final ExpandContractSettings settings;
    private final Metadata metadata;
    private final Supplier<WrapperOptions> wrapperOptions;

    /** @param wrapperOptions the session factory's, for reading and binding column values over JDBC later */
    MigrationDiscovery(ExpandContractSettings settings, Metadata metadata, Supplier<WrapperOptions> wrapperOptions) {
        this.settings = settings;
        this.metadata = metadata;
        this.wrapperOptions = wrapperOptions;
    }

    /** One {@code @DualWrite} field as one entity maps it (an inherited field appears once per entity). */
    private record Declaration(PersistentClass entity, Field field, DualWrite annotation, Property newProperty, Property oldProperty) {
        String entityLabel() {
            return field.getDeclaringClass().getSimpleName();
        }

        Table table() {
            return newProperty.getValue().getTable();
        }
    }

    List<Migration> discover() {
        Map<String, List<Declaration>> byId = new LinkedHashMap<>();
        Map<String, List<FillDeclaration>> fillsById = new LinkedHashMap<>();
        for (PersistentClass entity : metadata.getEntityBindings()) {
            Class<?> type = entity.getMappedClass();
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    DualWrite annotation = field.getAnnotation(DualWrite.class);
                    if (annotation != null) {
                        Declaration declaration = validate(entity, field, annotation);
                        byId.computeIfAbsent(annotation.migration(), id -> new ArrayList<>()).add(declaration);
                    }
                    FillNulls fill = field.getAnnotation(FillNulls.class);
                    if (fill != null) {
                        fillsById.computeIfAbsent(fill.migration(), id -> new ArrayList<>()).add(validateFill(entity, field, fill));
                    }
                }
            }
        }
        Set<String> declared = new LinkedHashSet<>(byId.keySet());
        declared.addAll(fillsById.keySet());
        checkConfiguredIdsAreDeclared(declared);
        List<Migration> migrations = new ArrayList<>();
        byId.forEach((id, declarations) -> migrations.add(toMigration(id, declarations)));
        checkNoOldPropertyFeedsTwoMigrations(byId);
        fillsById.forEach((id, declarations) -> migrations.add(toFillMigration(id, declarations, byId)));
        return migrations;
    }

    private Declaration validate(PersistentClass entity, Field field, DualWrite annotation) {
        String migration = annotation.migration();
        String entityLabel = field.getDeclaringClass().getSimpleName();
        String fieldName = field.getName();
        Property newProperty = annotatedProperty(entity, field, migration, "@DualWrite",
                "@DualWrite(migration = \"customer-email\", from = \"...\")",
                "put @DualWrite on the field mapped to the NEW column (with @Column(name = \"...\")).");
        String from = annotation.from();
        if (from.equals(fieldName)) {
            throw new MigrationConfigurationException(migration, entityLabel, fieldName,
                    "from = \"" + from + "\" names the annotated field itself.",
                    "set from to the name of the OLD field, the one mapped to the old column.");
        }
        if (entity.getIdentifierProperty() != null && entity.getIdentifierProperty().getName().equals(from)) {
            throw new MigrationConfigurationException(migration, entityLabel, fieldName,
                    "from = \"" + from + "\" names the identifier; identifiers cannot be migrated with @DualWrite.",
                    "set from to the name of the OLD field, the one mapped to the old column.");
        }
        Property oldProperty = findProperty(entity, from);
        if (oldProperty == null) {
            throw new MigrationConfigurationException(migration, entityLabel, fieldName,
                    "from = \"" + from + "\" names no persistent property of " + entity.getEntityName()
                            + "; its persistent properties are " + propertyNames(entity) + ".",
                    "set from to the name of the OLD field (the Java field name, not the column name), and keep that field mapped.");
        }
        requireBasic(migration, entityLabel, fieldName, oldProperty, "the old property '" + from + "'");
        Field oldField = findField(entity.getMappedClass(), from);
        if (oldField != null && oldField.isAnnotationPresent(DualWrite.class)) {
            throw new MigrationConfigurationException(migration, entityLabel, fieldName,
                    "from = \"" + from + "\" names a field that is itself a @DualWrite target; migrations cannot be chained.",
                    "finish (contract) the migration into '" + from + "' first, then start the next one from it.");
        }
        checkTypes(migration, entityLabel, fieldName, entity.getMappedClass(), annotation, oldProperty, newProperty);
        return new Declaration(entity, field, annotation, newProperty, oldProperty);
    }

    /** The annotated field's persistent property, after checking the id and that it is a basic single-column one. */
    private static Property annotatedProperty(PersistentClass entity, Field field, String migration, String annotation,
                                              String example, String placementFix) {
        String entityLabel = field.getDeclaringClass().getSimpleName();
        if (migration.isBlank()) {
            throw new MigrationConfigurationException("", entityLabel, field.getName(), annotation + " has an empty migration id.",
                    "give the migration an id, e.g. " + example + ".");
        }
        Property property = findProperty(entity, field.getName());
        if (property == null || Modifier.isStatic(field.getModifiers())) {
            throw new MigrationConfigurationException(migration, entityLabel, field.getName(),
                    "the " + annotation + " field is not a persistent property of " + entity.getEntityName()
                            + " (is it @Transient, static, or not mapped?).", placementFix);
        }
        requireBasic(migration, entityLabel, field.getName(), property, "the " + annotation + " field");
        return property;
    }

    private static void requireBasic(String migration, String entity, String field, Property property, String what) {
        if (!(property.getValue() instanceof BasicValue) || property.getColumnSpan() != 1
                || !(property.getSelectables().get(0) instanceof Column)) {
            throw new MigrationConfigurationException(migration, entity, field,
                    what + " is not a basic single-column attribute (associations, embeddables and formulas are not supported yet).",
                    "migrate a basic column (String, number, date, enum, ...), mapped with @Column.");
        }
    }

    private void checkTypes(String migration, String entity, String field, Class<?> entityClass, DualWrite annotation,
                            Property oldProperty, Property newProperty) {
        for (Property property : new Property[] {oldProperty, newProperty}) {
            Field javaField = findField(entityClass, property.getName());
            Class<?> declared = javaField != null ? javaField.getType() : property.getType().getReturnedClass();
            if (declared.isPrimitive()) {
                throw new MigrationConfigurationException(migration, entity, field,
                        "the property '" + property.getName() + "' has the primitive type " + declared.getName()
                                + ", which cannot hold the NULL a migration produces (the new column is NULL until backfilled, "
                                + "the old one may be NULL after contract).",
                        "declare it with the wrapper type " + boxed(declared).getSimpleName() + ".");
            }
        }
        Class<?> oldType = boxed(oldProperty.getType().getReturnedClass());
        Class<?> newType = boxed(newProperty.getType().getReturnedClass());
        Class<?> converter = annotation.converter();
        if (converter == ColumnConverter.Identity.class) {
            if (!oldType.equals(newType)) {
                throw new MigrationConfigurationException(migration, entity, field,
                        "the old property '" + oldProperty.getName() + "' is " + oldType.getSimpleName() + " but the new field is "
                                + newType.getSimpleName() + ", and no converter is given.",
                        "add converter = YourConverter.class to @DualWrite, implementing ColumnConverter<"
                                + oldType.getSimpleName() + ", " + newType.getSimpleName() + ">.");
            }
            return;
        }
        Type[] arguments = converterTypeArguments(converter);
        if (arguments != null) {
            checkConverterSide(migration, entity, field, converter, "old", arguments[0], oldType, oldType, newType);
            checkConverterSide(migration, entity, field, converter, "new", arguments[1], newType, oldType, newType);
        }
    }

    private static void checkConverterSide(String migration, String entity, String field, Class<?> converter, String side,
                                           Type declared, Class<?> actual, Class<?> oldType, Class<?> newType) {
        if (declared instanceof Class<?> declaredClass && !boxed(declaredClass).isAssignableFrom(actual)) {
            throw new MigrationConfigurationException(migration, entity, field,
                    "converter " + converter.getSimpleName() + " takes " + declaredClass.getSimpleName() + " on the " + side
                            + " side, but the " + side + " property is " + actual.getSimpleName() + ".",
                    "use a converter implementing ColumnConverter<" + oldType.getSimpleName() + ", " + newType.getSimpleName() + ">.");
        }
    }

    /** The {@code <O, N>} of {@code ColumnConverter} as the class declares them, or null if not resolvable. */
    private static Type[] converterTypeArguments(Class<?> converter) {
        for (Class<?> c = converter; c != null; c = c.getSuperclass()) {
            for (Type type : c.getGenericInterfaces()) {
                if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == ColumnConverter.class) {
                    return parameterized.getActualTypeArguments();
                }
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private ColumnConverter<Object, Object> instantiate(Declaration d) {
        Class<?> type = d.annotation().converter();
        String id = d.annotation().migration();
        ColumnConverter<Object, Object> converter;
        try {
            var constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            converter = (ColumnConverter<Object, Object>) constructor.newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new MigrationConfigurationException(id, d.entityLabel(), d.field().getName(),
                    "converter " + type.getName() + " cannot be created (" + e + ").",
                    "give the converter a public no-argument constructor (a static nested or top-level class).");
        }
        if (converter instanceof ContextualConverter contextual) {
            try {
                contextual.init(new ConverterContext(id, boxed(d.oldProperty().getType().getReturnedClass()),
                        boxed(d.newProperty().getType().getReturnedClass()), settings.zoneOf(id)));
            } catch (RuntimeException e) {
                throw new MigrationConfigurationException(id, d.entityLabel(), d.field().getName(),
                        "converter " + type.getSimpleName() + " cannot serve this migration: " + e.getMessage() + ".",
                        "use a converter made for these field types, or give it what it asks for above.");
            }
        } else if (settings.zoneOf(id) != null) {
            throw new MigrationConfigurationException(id, d.entityLabel(), d.field().getName(),
                    "expand-contract.migrations." + id + ".zone is set, but converter " + type.getSimpleName() + " takes no zone.",
                    "remove the zone property, or use a converter that reads it (e.g. LocalDateTimeToInstantConverter).");
        }
        return converter;
    }

    private HibernateColumnValues columnValues(Property property) {
        return new HibernateColumnValues(((BasicValue) property.getValue()).resolve().getJdbcMapping(), wrapperOptions);
    }

    private Migration toMigration(String id, List<Declaration> declarations) {
        Declaration first = declarations.get(0);
        for (Declaration other : declarations) {
            if (!sameTable(first.table(), other.table())) {
                throw new MigrationConfigurationException(id, other.entityLabel(), other.field().getName(),
                        "two @DualWrite annotations share the migration id '" + id + "' on different tables ("
                                + first.entity().getEntityName() + " maps " + first.table().getName() + ", "
                                + other.entity().getEntityName() + " maps " + other.table().getName() + ").",
                        "give each table's migration its own id; a migration moves one column of one table.");
            }
            if (!other.field().getName().equals(first.field().getName())
                    || !other.annotation().from().equals(first.annotation().from())) {
                throw new MigrationConfigurationException(id, other.entityLabel(), other.field().getName(),
                        "two @DualWrite annotations share the migration id '" + id + "' on different fields ("
                                + first.entityLabel() + "." + first.field().getName() + " and "
                                + other.entityLabel() + "." + other.field().getName() + ").",
                        "give each column move its own migration id.");
            }
        }
        Phase phase = settings.phaseOf(id);
        for (Declaration d : declarations) {
            // the boot model is still open here; the persisters built next leave the column out of INSERT/UPDATE
            if (!phase.writesNew()) {
                d.newProperty().setInsertable(false);
                d.newProperty().setUpdatable(false);
            }
            if (!phase.writesOld()) {
                d.oldProperty().setInsertable(false);
                d.oldProperty().setUpdatable(false);
            }
        }
        Table table = first.table();
        String schema = table.getSchema() != null ? table.getSchema() : defaultSchema();
        return new Migration(id, phase,
                declarations.stream().map(d -> d.entity().getEntityName()).distinct().toList(),
                first.entityLabel(), first.oldProperty().getName(), first.newProperty().getName(),
                new Migration.TableName(table.getCatalog(), schema, table.getName(), table.isQuoted()),
                column(first.oldProperty()), column(first.newProperty()),
                instantiate(first), first.annotation().backfillSql(),
                singleKeyColumn(table), boxed(first.entity().getIdentifier().getType().getReturnedClass()),
                boxed(first.oldProperty().getType().getReturnedClass()), boxed(first.newProperty().getType().getReturnedClass()),
                columnValues(first.oldProperty()), columnValues(first.newProperty()), Migration.Kind.MOVE_COLUMN, null, null);
    }

    private void checkConfiguredIdsAreDeclared(Set<String> declared) {
        for (String configured : settings.configuredMigrations()) {
            if (!declared.contains(configured)) {
                throw new MigrationConfigurationException(configured, null, null,
                        "expand-contract.migrations." + configured + " is configured, but no entity declares "
                                + "@DualWrite(migration = \"" + configured + "\") or @FillNulls(migration = \"" + configured
                                + "\"); declared migrations: " + (declared.isEmpty() ? "none" : String.join(", ", declared)) + ".",
                        "correct the id in the property, or remove expand-contract.migrations." + configured
                                + " once its @DualWrite annotation is gone.");
            }
        }
    }

    private static void checkNoOldPropertyFeedsTwoMigrations(Map<String, List<Declaration>> byId) {
        Map<String, String> sources = new LinkedHashMap<>();
        byId.forEach((id, declarations) -> {
            for (Declaration d : declarations) {
                String key = d.entity().getEntityName() + "." + d.oldProperty().getName();
                String previous = sources.putIfAbsent(key, id);
                if (previous != null && !previous.equals(id)) {
                    throw new MigrationConfigurationException(id, d.entityLabel(), d.field().getName(),
                            "the old property '" + d.oldProperty().getName() + "' is also the source of migration '" + previous
                                    + "'; two new fields cannot both be kept in sync with one old field.",
                            "migrate one column at a time: finish migration '" + previous + "' first.");
                }
            }
        });
    }

    private String defaultSchema() {
        var name = metadata.getDatabase().getDefaultNamespace().getPhysicalName();
        Identifier schema = name == null ? null : name.schema();
        return schema == null ? null : schema.getText();
    }

    private static boolean sameTable(Table a, Table b) {
        return a == b || Objects.equals(a.getQualifiedTableName(), b.getQualifiedTableName());
    }

    /** The primary-key column of the migrated table (a subclass table's join column under JOINED). */
    private static String singleKeyColumn(Table table) {
        if (table.getPrimaryKey() == null || table.getPrimaryKey().getColumnSpan() != 1) {
            return null;
        }
        return table.getPrimaryKey().getColumns().get(0).getName();
    }

    private static String column(Property property) {
        return ((Column) property.getSelectables().get(0)).getName();
    }

    private static Property findProperty(PersistentClass entity, String name) {
        for (Property property : entity.getPropertyClosure()) {
            if (property.getName().equals(name)) {
                return property;
            }
        }
        return null;
    }

    private static Field findField(Class<?> type, String name) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            try {
                return c.getDeclaredField(name);
            } catch (NoSuchFieldException e) {
                // keep looking in the superclass
            }
        }
        return null;
    }

    private static String propertyNames(PersistentClass entity) {
        return entity.getPropertyClosure().stream().map(Property::getName)
                .collect(Collectors.toCollection(TreeSet::new)).toString();
    }

    /** One {@code @FillNulls} field as one entity maps it, with its value converted to the field's type. */
    private record FillDeclaration(PersistentClass entity, Field field, FillNulls annotation, Property property,
                                   Object value, Object jdbcValue) {
        String entityLabel() {
            return field.getDeclaringClass().getSimpleName();
        }

        Table table() {
            return property.getValue().getTable();
        }
    }

    private FillDeclaration validateFill(PersistentClass entity, Field field, FillNulls annotation) {
        String migration = annotation.migration();
        String entityLabel = field.getDeclaringClass().getSimpleName();
        String fieldName = field.getName();
        Property property = annotatedProperty(entity, field, migration, "@FillNulls",
                "@FillNulls(migration = \"order-status\", value = \"...\")",
                "put @FillNulls on the field mapped to the column that is to become NOT NULL.");
        if (field.isAnnotationPresent(DualWrite.class)) {
            throw new MigrationConfigurationException(migration, entityLabel, fieldName,
                    "the field carries both @FillNulls and @DualWrite.",
                    "finish (contract) the @DualWrite migration first, then make the new column NOT NULL with @FillNulls.");
        }
        if (field.getType().isPrimitive()) {
            throw new MigrationConfigurationException(migration, entityLabel, fieldName,
                    "the field has the primitive type " + field.getType().getName() + ", which cannot hold the NULL the column "
                            + "still has before the backfill.",
                    "declare it with the wrapper type " + boxed(field.getType()).getSimpleName() + ".");
        }
        BasicValue.Resolution<?> resolution = ((BasicValue) property.getValue()).resolve();
        Class<?> type = boxed(property.getType().getReturnedClass());
        Object value;
        try {
            value = resolution.getDomainJavaType().fromString(annotation.value());
        } catch (RuntimeException e) {
            value = e;
        }
        if (!type.isInstance(value)) {
            throw new MigrationConfigurationException(migration, entityLabel, fieldName,
                    "value = \"" + annotation.value() + "\" is not a " + type.getSimpleName() + " ("
                            + (value instanceof RuntimeException e ? e.getMessage() : "Hibernate read it as " + value) + ").",
                    "give value as the text of a " + type.getSimpleName() + (type.isEnum() ? " constant, one of "
                            + Arrays.toString(type.getEnumConstants()) : " as its toString() writes it") + ".");
        }
        return new FillDeclaration(entity, field, annotation, property, value, jdbcValue(resolution, value));
    }

    /**
     * The value as the JDBC driver binds it: through an {@code AttributeConverter}, then unwrapped to
     * the Java class the column's JDBC type prefers (an enum's name for VARCHAR, its ordinal for a
     * number). The session factory's {@code WrapperOptions} do not exist yet while it is built; the
     * unwrapping of these value types does not use them.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object jdbcValue(BasicValue.Resolution<?> resolution, Object value) {
        BasicValueConverter converter = resolution.getValueConverter();
        Object relational = converter == null ? value : converter.toRelationalValue(value);
        try {
            Class<?> jdbcClass = resolution.getJdbcType().getPreferredJavaTypeClass(null);
            return jdbcClass == null ? relational
                    : ((JavaType) resolution.getRelationalJavaType()).unwrap(relational, jdbcClass, null);
        } catch (RuntimeException e) {
            return relational; // bound as it is; the JDBC driver converts the common types
        }
    }

    private Migration toFillMigration(String id, List<FillDeclaration> declarations, Map<String, List<Declaration>> moves) {
        FillDeclaration first = declarations.get(0);
        if (moves.containsKey(id)) {
            throw new MigrationConfigurationException(id, first.entityLabel(), first.field().getName(),
                    "the migration id '" + id + "' is used by a @DualWrite and a @FillNulls annotation.",
                    "give each migration its own id.");
        }
        for (FillDeclaration other : declarations) {
            if (!sameTable(first.table(), other.table()) || !other.field().getName().equals(first.field().getName())) {
                throw new MigrationConfigurationException(id, other.entityLabel(), other.field().getName(),
                        "two @FillNulls annotations share the migration id '" + id + "' (" + first.entityLabel() + "."
                                + first.field().getName() + " and " + other.entityLabel() + "." + other.field().getName() + ").",
                        "give each column its own migration id; a migration fills one column of one table.");
            }
            moves.values().stream().flatMap(List::stream)
                    .filter(d -> d.entity() == other.entity() && (d.oldProperty() == other.property() || d.newProperty() == other.property()))
                    .findFirst().ifPresent(d -> {
                        throw new MigrationConfigurationException(id, other.entityLabel(), other.field().getName(),
                                "the field is also part of the @DualWrite migration '" + d.annotation().migration() + "'.",
                                "finish (contract) migration '" + d.annotation().migration() + "' first, then fill the NULLs of "
                                        + "the column that remains.");
                    });
        }
        Table table = first.table();
        String schema = table.getSchema() != null ? table.getSchema() : defaultSchema();
        return Migration.fillNulls(id, settings.phaseOf(id),
                declarations.stream().map(d -> d.entity().getEntityName()).distinct().toList(),
                first.entityLabel(), first.property().getName(),
                new Migration.TableName(table.getCatalog(), schema, table.getName(), table.isQuoted()),
                column(first.property()), singleKeyColumn(table),
                boxed(first.entity().getIdentifier().getType().getReturnedClass()),
                boxed(first.property().getType().getReturnedClass()), first.value(), first.jdbcValue());
    }

    private static Class<?> boxed(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        return switch (type.getName()) {
            case "int" -> Integer.class;
            case "long" -> Long.class;
            case "boolean" -> Boolean.class;
            case "double" -> Double.class;
            case "float" -> Float.class;
            case "short" -> Short.class;
            case "byte" -> Byte.class;
            case "char" -> Character.class;
            default -> Void.class;
        };
    }
}
