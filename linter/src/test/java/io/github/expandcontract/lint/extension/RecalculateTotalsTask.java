package io.github.expandcontract.lint.extension;

import liquibase.change.custom.CustomTaskChange;
import liquibase.database.Database;
import liquibase.exception.ValidationErrors;
import liquibase.resource.ResourceAccessor;

import java.util.concurrent.atomic.AtomicInteger;

/** A custom Java change whose effect no linter can see: it runs code instead of generating SQL. */
public class RecalculateTotalsTask implements CustomTaskChange {

    /** How often Liquibase ran the task: the linter must never make it run. */
    public static final AtomicInteger EXECUTIONS = new AtomicInteger();

    @Override
    public void execute(Database database) {
        EXECUTIONS.incrementAndGet();
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
