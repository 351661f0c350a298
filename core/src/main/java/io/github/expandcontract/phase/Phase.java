package io.github.expandcontract.phase;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The five phases of an expand/contract migration, in deployment order, with what each one
 * writes and reads. Adjacent phases are compatible, so a rolling deploy may run two at once.
 */
public enum Phase {

    /** Writes old only, reads old. The new column must exist. */
    EXPAND(true, false, false),
    /** Writes old and new, reads old. */
    DUAL_WRITE(true, true, false),
    /** Writes old and new, reads old; the backfill copies old to new for every row. */
    BACKFILL(true, true, false),
    /** Writes old and new, reads new, falling back to old where new is NULL. */
    READ_NEW(true, true, true),
    /** Writes new only, reads new. Point of no return: the old column goes stale. */
    CONTRACT(false, true, true);

    private final boolean writesOld;
    private final boolean writesNew;
    private final boolean readsNew;

    Phase(boolean writesOld, boolean writesNew, boolean readsNew) {
        this.writesOld = writesOld;
        this.writesNew = writesNew;
        this.readsNew = readsNew;
    }

    public boolean writesOld() {
        return writesOld;
    }

    public boolean writesNew() {
        return writesNew;
    }

    /** Whether loads show the new column's value (otherwise the old column's). */
    public boolean readsNew() {
        return readsNew;
    }

    /** Whether a load falls back to the old column when the new one is NULL. */
    public boolean fallsBackToOld() {
        return this == READ_NEW;
    }

    /** The name used in configuration, e.g. {@code dual-write}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses a phase leniently: {@code dual-write}, {@code dual_write}, {@code DUAL_WRITE} and
     * {@code dualwrite} all give {@link #DUAL_WRITE}.
     *
     * @throws IllegalArgumentException naming the valid values
     */
    public static Phase parse(String value) {
        String wanted = normalize(value);
        for (Phase phase : values()) {
            if (normalize(phase.name()).equals(wanted)) {
                return phase;
            }
        }
        throw new IllegalArgumentException("Unknown phase '" + value + "'; valid phases are "
                + Arrays.stream(values()).map(Phase::configName).collect(Collectors.joining(", ")));
    }

    private static String normalize(String value) {
        return value == null ? "" : value.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }
}
