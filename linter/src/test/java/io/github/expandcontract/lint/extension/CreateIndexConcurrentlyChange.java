package io.github.expandcontract.lint.extension;

import liquibase.change.ChangeMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.core.CreateIndexChange;
import liquibase.database.Database;
import liquibase.statement.SqlStatement;

/**
 * Stand-in for expand-contract-liquibase's {@code createIndexConcurrently} (the attributes of
 * createIndex), so that the corpus parses while that module is not on this branch. The linter
 * recognises the change by name only; this class is never executed.
 */
@DatabaseChange(name = "createIndexConcurrently", description = "test stand-in", priority = ChangeMetaData.PRIORITY_DEFAULT)
public class CreateIndexConcurrentlyChange extends CreateIndexChange {

    @Override
    public SqlStatement[] generateStatements(Database database) {
        throw new UnsupportedOperationException("test stand-in");
    }

    @Override
    public String getSerializedObjectNamespace() {
        return "http://expandcontract.github.io/liquibase";
    }
}
