package io.github.expandcontract.liquibase.change;

import io.github.expandcontract.liquibase.ExpandContractNamespaceDetails;
import liquibase.change.AbstractChange;
import liquibase.database.Database;
import liquibase.exception.Warnings;

/**
 * What this library's online changes share: they live in its namespace, they can be rolled back,
 * what they run on PostgreSQL depends on what an earlier run left, and on other databases they fall
 * back to Liquibase's plain change with a warning.
 */
abstract class OnlineChange extends AbstractChange {

    /** Why the plain change this one falls back to on {@code database} (not PostgreSQL) may lock the table. */
    abstract String fallbackWarning(Database database);

    @Override
    public String getSerializedObjectNamespace() {
        return ExpandContractNamespaceDetails.NAMESPACE;
    }

    @Override
    public boolean generateStatementsVolatile(Database database) {
        // on PostgreSQL what runs depends on what an earlier run left; never let Liquibase call
        // generateStatements just to look at the statements, which would run them
        return true;
    }

    @Override
    public boolean supportsRollback(Database database) {
        return true;
    }

    @Override
    public Warnings warn(Database database) {
        Warnings warnings = super.warn(database);
        if (!OnlineChangeSupport.isPostgres(database)) {
            warnings.addWarning(fallbackWarning(database));
        }
        return warnings;
    }
}
