package io.github.expandcontract.backfill;

/**
 * An operator request ({@code pause}, {@code resume}, {@code restart}, {@code verify}) that the
 * migration's state or this instance's phase does not allow. Nothing was changed; the message says
 * why and what to do instead.
 */
public class OperationRefusedException extends IllegalStateException {

    private final String migrationId;

    public OperationRefusedException(String migrationId, String message) {
        super("migration '" + migrationId + "': " + message);
        this.migrationId = migrationId;
    }

    public String getMigrationId() {
        return migrationId;
    }
}
