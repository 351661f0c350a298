package io.github.expandcontract.liquibase.precondition;

import io.github.expandcontract.liquibase.ExpandContractNamespaceDetails;
import liquibase.database.Database;
import liquibase.exception.ValidationErrors;
import liquibase.exception.Warnings;
import liquibase.precondition.AbstractPrecondition;

/** A precondition about one migration, named by its required {@code migration} attribute, in this library's namespace. */
abstract class MigrationPrecondition extends AbstractPrecondition {

    String migration;

    /** The migration id, as in {@code @DualWrite(migration = ...)}. */
    public String getMigration() {
        return migration;
    }

    public void setMigration(String migration) {
        this.migration = migration;
    }

    @Override
    public String getSerializedObjectNamespace() {
        return ExpandContractNamespaceDetails.NAMESPACE;
    }

    @Override
    public Warnings warn(Database database) {
        return new Warnings();
    }

    @Override
    public ValidationErrors validate(Database database) {
        return new ValidationErrors(this).checkRequiredField("migration", migration);
    }
}
