package io.github.expandcontract.lint.extension;

import liquibase.change.custom.CustomTaskChange;
import liquibase.database.Database;
import liquibase.exception.ValidationErrors;
import liquibase.resource.ResourceAccessor;

/** A custom Java change whose effect no linter can see: it runs code instead of generating SQL. */
public class RecalculateTotalsTask implements CustomTaskChange {

    @Override
    public void execute(Database database) {
        throw new UnsupportedOperationException("never executed by the linter");
    }

    @Override
    public String getConfirmationMessage() {
        return "totals recalculated";
    }

    @Override
    public void setUp() {
    }

    @Override
    public void setFileOpener(ResourceAccessor resourceAccessor) {
    }

    @Override
    public ValidationErrors validate(Database database) {
        return new ValidationErrors();
    }
}
