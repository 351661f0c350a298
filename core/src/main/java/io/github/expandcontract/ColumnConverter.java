package io.github.expandcontract;

/**
 * Converts a value between the old column's type {@code O} and the new column's type {@code N}.
 * Both directions are required so that going back a phase stays possible.
 * <p>
 * The library never passes {@code null} to a converter: {@code null} always maps to {@code null}.
 * Implementations need a public no-argument constructor.
 */
public interface ColumnConverter<O, N> {

    N toNew(O oldValue);

    O toOld(N newValue);

    /** The default converter: old and new fields have the same type. */
    final class Identity implements ColumnConverter<Object, Object> {

        @Override
        public Object toNew(Object oldValue) {
            return oldValue;
        }

        @Override
        public Object toOld(Object newValue) {
            return newValue;
        }
    }
}
