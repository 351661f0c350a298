package io.github.expandcontract;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the NEW field of an entity (mapped to the new column) as the target of an
 * expand/contract migration from the OLD persistent property named by {@link #from()}.
 * <p>
 * The library keeps both fields in sync: on load both show the value the current phase reads,
 * and on flush the field the application changed is copied to the other through the
 * {@link #converter()}. Which columns are written depends on the phase configured with
 * {@code expand-contract.migrations.<migration>.phase}.
 */
@Documented
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
public @interface DualWrite {

    /** Migration id, e.g. {@code "owner-phone"}; used in properties, state, metrics. */
    String migration();

    /** Name of the OLD persistent property in the same entity. */
    String from();

    /** Converts between the old and the new field's types; identity when both types are equal. */
    Class<? extends ColumnConverter<?, ?>> converter() default ColumnConverter.Identity.class;

    /** Optional SQL expression of the old column for in-database backfill. */
    String backfillSql() default "";
}
