package io.github.expandcontract.hibernate;

import io.github.expandcontract.migration.Migration;
import org.hibernate.type.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The old and new property of one migration as one entity persister sees them (state-array
 * positions and Hibernate types), with the rule that keeps the two in sync.
 */
final class PropertyPair {

    private static final Logger log = LoggerFactory.getLogger(PropertyPair.class);

    final Migration migration;
    final int oldIndex;
    final int newIndex;
    private final Type oldType;
    private final Type newType;
    /** Shared by every persister of the migration, so the warning is logged once per migration. */
    private final AtomicBoolean conflictWarned;

    PropertyPair(Migration migration, int oldIndex, int newIndex, Type oldType, Type newType, AtomicBoolean conflictWarned) {
        this.migration = migration;
        this.oldIndex = oldIndex;
        this.newIndex = newIndex;
        this.oldType = oldType;
        this.newType = newType;
        this.conflictWarned = conflictWarned;
    }

    /** Whether the migration's phase writes both columns (dual-write, backfill, read-new). */
    boolean writesBoth() {
        return migration.phase().writesOld() && migration.phase().writesNew();
    }

    boolean oldEquals(Object a, Object b) {
        return a == b || oldType.isEqual(a, b);
    }

    boolean newEquals(Object a, Object b) {
        return a == b || newType.isEqual(a, b);
    }

    Object toNew(Object oldValue, Object rowId) {
        if (oldValue == null) {
            return null;
        }
        try {
            return migration.converter().toNew(oldValue);
        } catch (RuntimeException e) {
            throw new DualWriteConversionException(migration.id(), "old->new", rowId, oldValue, e);
        }
    }

    Object toOld(Object newValue, Object rowId) {
        if (newValue == null) {
            return null;
        }
        try {
            return migration.converter().toOld(newValue);
        } catch (RuntimeException e) {
            throw new DualWriteConversionException(migration.id(), "new->old", rowId, newValue, e);
        }
    }

    /**
     * Decides the values to write when the application may have changed either field.
     * The changed field is copied to the other; if both changed to values that disagree, the
     * field the phase reads from wins (unless one of them was set to NULL: then the value wins) and a
     * warning is logged once per migration.
     *
     * @return {@code {old, new}} to write, or {@code null} when nothing needs to change
     */
    Object[] reconcile(Object rowId, Object oldValue, Object newValue, boolean oldChanged, boolean newChanged) {
        if (oldChanged && newChanged) {
            if (newEquals(newValue, toNew(oldValue, rowId))) {
                return null;
            }
            warnConflictOnce(rowId);
            // A field set to NULL beside one set to a value is most often a field the writer does not
            // know about (a DTO copied onto a detached entity, then merged): keep the value, lose nothing.
            if (newValue == null) {
                return fromOld(oldValue, rowId);
            }
            if (oldValue == null) {
                return fromNew(newValue, rowId);
            }
            return migration.phase().readsNew() ? fromNew(newValue, rowId) : fromOld(oldValue, rowId);
        }
        if (oldChanged) {
            return fromOld(oldValue, rowId);
        }
        if (newChanged) {
            return fromNew(newValue, rowId);
        }
        return null;
    }

    private Object[] fromOld(Object oldValue, Object rowId) {
        return new Object[] {oldValue, toNew(oldValue, rowId)};
    }

    private Object[] fromNew(Object newValue, Object rowId) {
        return new Object[] {toOld(newValue, rowId), newValue};
    }

    private void warnConflictOnce(Object rowId) {
        if (conflictWarned.compareAndSet(false, true)) {
            log.warn("expand-contract migration '{}': {}.{} and {}.{} were both changed to different values in one flush "
                            + "(first seen on row id {}); phase {} reads the {} field, so its value wins. "
                            + "Change one field only. This warning is logged once per migration.",
                    migration.id(), migration.entity(), migration.oldProperty(), migration.entity(), migration.newProperty(),
                    rowId, migration.phase().configName(),
                    migration.phase().readsNew() ? "new" : "old");
        }
    }
}
