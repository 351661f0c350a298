package io.github.expandcontract;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the persistent field whose column is about to become {@code NOT NULL}: a one-column
 * migration that fills the column's NULLs with {@link #value()} before the constraint is added.
 * <p>
 * It uses the same phases and properties as {@link DualWrite}
 * ({@code expand-contract.migrations.<migration>.phase}): from {@code dual-write} on, every
 * INSERT and UPDATE that would write NULL to the column writes the value instead (and the entity's
 * field shows it); {@code backfill} fills the remaining NULLs in keyset batches and verifies that
 * none remain; {@code read-new} and {@code contract} also show the value on load where the column
 * is still NULL. The {@code NOT NULL} constraint itself is added by a changelog
 * ({@code addNotNullConstraintOnline}, guarded by the {@code migrationVerified} precondition).
 *
 * <pre>{@code
 * @Column(name = "status")
 * @FillNulls(migration = "order-status", value = "NEW")
 * private OrderStatus status;
 * }</pre>
 */
@Documented
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
public @interface FillNulls {

    /** Migration id, e.g. {@code "order-status"}; used in properties, state, metrics. */
    String migration();

    /**
     * The value written instead of NULL, as text; converted once at startup to the field's Java
     * type by Hibernate's type for the property ({@code JavaType#fromString}): {@code "NEW"} for
     * an enum constant, {@code "0"} for a number, {@code "2024-01-31"} for a {@code LocalDate},
     * {@code "true"} for a Boolean. A value that does not convert fails startup.
     */
    String value();
}
