package io.github.expandcontract.hibernate;

import io.github.expandcontract.backfill.BatchCopier;
import io.github.expandcontract.config.OnConversionError;
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
    private final ConversionErrors conversionErrors;
    private final boolean fallsBackToOld;

    /** @param fallsBackToOld whether a load shows the old column's value where the new one is NULL (read-new, not past contract) */
    PropertyPair(Migration migration, int oldIndex, int newIndex, Type oldType, Type newType, AtomicBoolean conflictWarned,
                 ConversionErrors conversionErrors, boolean fallsBackToOld) {
        this.migration = migration;
        this.oldIndex = oldIndex;
        this.newIndex = newIndex;
        this.oldType = oldType;
        this.newType = newType;
        this.conflictWarned = conflictWarned;
        this.conversionErrors = conversionErrors;
        this.fallsBackToOld = fallsBackToOld;
    }

    boolean fallsBackToOld() {
        return fallsBackToOld;
    }

    /** Whether the migration's phase writes both columns (dual-write, backfill, read-new). */
    boolean writesBoth() {
        return migration.phase().writesOld() && migration.phase().writesNew();
    }

    boolean oldEquals(Object a, Object b) {
        return a == b || oldType.isEqual(a, b);
    }

    /** Equal new values; an OffsetDateTime regardless of its offset, since the database keeps only the instant. */
    boolean newEquals(Object a, Object b) {
        return a == b || newType.isEqual(a, b) || BatchCopier.sameValue(a, b);
    }

    /** Whether the new value is the converted old one; false when the old value does not convert. */
    boolean inSync(Object oldValue, Object newValue) {
        try {
            return newEquals(newValue, oldValue == null ? null : migration.converter().toNew(oldValue));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether the pair holds the outcome of {@code write-null}: an old value that does not convert beside a NULL new one. */
    boolean wroteNullFor(Object oldValue, Object newValue) {
        if (conversionErrors.mode != OnConversionError.WRITE_NULL || newValue != null || oldValue == null) {
            return false;
        }
        try {
            toNew(oldValue);
            return false;
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** Old to new for a write: a value that does not convert fails the flush, or becomes NULL in {@code write-null} mode. */
    Object toNewForWrite(Object oldValue, Object rowId) {
        try {
            return toNew(oldValue);
        } catch (RuntimeException e) {
            if (conversionErrors.mode == OnConversionError.WRITE_NULL) {
                conversionErrors.wroteNull(rowId, e);
                return null;
            }
            throw new DualWriteConversionException(migration.id(), DualWriteConversionException.OLD_TO_NEW, rowId, oldValue, e);
        }
    }

    /**
     * Old to new for a load. Where the application reads the old field (expand, dual-write, backfill)
     * the new field is a mirror: a value that does not convert shows as NULL there and the load goes
     * on. Where it reads the new field (the read-new fallback), it fails unless {@code write-null}.
     */
    Object toNewForLoad(Object oldValue, Object rowId) {
        try {
            return toNew(oldValue);
        } catch (RuntimeException e) {
            if (migration.phase().readsNew() && conversionErrors.mode == OnConversionError.FAIL) {
                throw new DualWriteConversionException(migration.id(), DualWriteConversionException.OLD_TO_NEW, rowId, oldValue, e);
            }
            conversionErrors.loadedNull(rowId, e);
            return null;
        }
    }

    private Object toNew(Object oldValue) {
        return oldValue == null ? null : migration.converter().toNew(oldValue);
    }

    /** New to old, for a write or a load: always fails on a value that does not convert, since NULL would lose the old column's data. */
    Object toOld(Object newValue, Object rowId) {
        if (newValue == null) {
            return null;
        }
        try {
            return migration.converter().toOld(newValue);
        } catch (RuntimeException e) {
            throw new DualWriteConversionException(migration.id(), DualWriteConversionException.NEW_TO_OLD, rowId, newValue, e);
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
            if (inSync(oldValue, newValue)) {
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
        return new Object[] {oldValue, toNewForWrite(oldValue, rowId)};
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
