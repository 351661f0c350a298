package io.github.expandcontract.lint.extension;

import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.visitor.ChangeExecListener;
import liquibase.database.Database;
import liquibase.exception.ValidationErrors;
import liquibase.exception.Warnings;
import liquibase.precondition.AbstractPrecondition;

/** Stand-in for expand-contract-liquibase's {@code noOldColumnWriters} precondition; see {@link CreateIndexConcurrentlyChange}. */
public class NoOldColumnWritersPrecondition extends AbstractPrecondition {

    private String migration;

    public String getMigration() {
        return migration;
    }

    public void setMigration(String migration) {
        this.migration = migration;
    }

    @Override
    public String getName() {
        return "noOldColumnWriters";
    }

    @Override
    public Warnings warn(Database database) {
        return new Warnings();
    }

    @Override
    public ValidationErrors validate(Database database) {
        return new ValidationErrors();
    }

    @Override
    public void check(Database database, DatabaseChangeLog changeLog, ChangeSet changeSet, ChangeExecListener listener) {
        throw new UnsupportedOperationException("test stand-in");
    }

    @Override
    public String getSerializedObjectNamespace() {
        return "http://expandcontract.github.io/liquibase";
    }
}
