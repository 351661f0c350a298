package io.github.expandcontract.liquibase.change;

import liquibase.change.Change;
import liquibase.changelog.ChangeSet;
import liquibase.database.Database;
import liquibase.database.core.PostgresDatabase;
import liquibase.exception.DatabaseException;
import liquibase.exception.ValidationErrors;

import java.util.Locale;

/** What both online changes share: where they may run and how PostgreSQL names what they touch. */
final class OnlineChangeSupport {

    private OnlineChangeSupport() {
    }

    static boolean isPostgres(Database database) {
        return database instanceof PostgresDatabase;
    }

    /**
     * The changes commit step by step (or, for {@code CREATE INDEX CONCURRENTLY}, cannot run in a
     * transaction at all), so a change set that wraps them in one transaction is refused before
     * anything runs, on every database, so that a changelog tested on H2 fails the same way.
     */
    static void requireOutsideTransaction(ValidationErrors errors, Change change, String changeName, String why) {
        ChangeSet changeSet = change.getChangeSet();
        if (changeSet != null && changeSet.isRunInTransaction()) {
            errors.addError(changeName + " in changeset " + changeSet.toString(false) + " must run outside a transaction: " + why
                    + ". Fix: set runInTransaction=\"false\" on the changeSet (YAML/JSON: runInTransaction: false; "
                    + "formatted SQL: runInTransaction:false), and keep it the only change of its changeset.");
        }
    }

    /** PostgreSQL 12 is the first to let a validated CHECK (col IS NOT NULL) spare SET NOT NULL its table scan. */
    static int majorVersion(Database database) {
        try {
            return database.getDatabaseMajorVersion();
        } catch (DatabaseException e) {
            return -1;
        }
    }

    /**
     * The name PostgreSQL stores for an identifier as Liquibase wrote it in SQL: quoted names keep
     * their case, unquoted ones are folded to lower case.
     */
    static String storedName(String sqlIdentifier) {
        if (sqlIdentifier.length() >= 2 && sqlIdentifier.startsWith("\"") && sqlIdentifier.endsWith("\"")) {
            return sqlIdentifier.substring(1, sqlIdentifier.length() - 1).replace("\"\"", "\"");
        }
        return sqlIdentifier.toLowerCase(Locale.ROOT);
    }

    static String quote(String storedName) {
        return "\"" + storedName.replace("\"", "\"\"") + "\"";
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
