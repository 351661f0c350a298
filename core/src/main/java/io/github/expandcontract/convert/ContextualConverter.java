package io.github.expandcontract.convert;

/**
 * A converter that needs to know its migration: the field types (e.g. which enum) or the
 * configured zone. The library calls {@link #init} once, right after creating the converter
 * through its public no-argument constructor, so {@code @DualWrite(converter = ...)} needs no
 * subclass per enum or per zone.
 */
public interface ContextualConverter {

    /**
     * @throws IllegalArgumentException when the converter cannot serve this migration (wrong field
     *                                  type, missing zone); startup fails with the message, naming
     *                                  the entity, field and migration
     */
    void init(ConverterContext context);
}
