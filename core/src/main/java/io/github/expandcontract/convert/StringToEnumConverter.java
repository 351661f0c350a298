package io.github.expandcontract.convert;

import io.github.expandcontract.ColumnConverter;

/**
 * Text ({@code String}) to the new field's enum, by constant name: exactly {@link Enum#name()},
 * case-sensitive and without trimming, so converting back gives the same text. A name the enum
 * does not declare is refused. The enum class is the new field's type, so
 * {@code @DualWrite(converter = StringToEnumConverter.class)} works for any enum.
 */
public class StringToEnumConverter implements ColumnConverter<String, Enum<?>>, ContextualConverter {

    private Class<? extends Enum<?>> enumType;

    @Override
    @SuppressWarnings("unchecked")
    public void init(ConverterContext context) {
        if (!context.newType().isEnum()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " converts to an enum, but the new field is "
                    + context.newType().getName());
        }
        this.enumType = (Class<? extends Enum<?>>) context.newType();
    }

    @Override
    public Enum<?> toNew(String name) {
        for (Enum<?> constant : enumType().getEnumConstants()) {
            if (constant.name().equals(name)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not a constant of " + enumType().getSimpleName()
                + " (names are matched exactly: case and whitespace count)");
    }

    @Override
    public String toOld(Enum<?> value) {
        return value.name();
    }

    private Class<? extends Enum<?>> enumType() {
        if (enumType == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " was not initialized with its migration's enum type");
        }
        return enumType;
    }
}
