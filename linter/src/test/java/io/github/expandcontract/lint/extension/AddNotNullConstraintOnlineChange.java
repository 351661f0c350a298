package io.github.expandcontract.lint.extension;

import liquibase.change.AbstractChange;
import liquibase.change.ChangeMetaData;
import liquibase.change.DatabaseChange;
import liquibase.database.Database;
import liquibase.statement.SqlStatement;

/** Stand-in for expand-contract-liquibase's {@code addNotNullConstraintOnline}; see {@link CreateIndexConcurrentlyChange}. */
@DatabaseChange(name = "addNotNullConstraintOnline", description = "test stand-in", priority = ChangeMetaData.PRIORITY_DEFAULT)
public class AddNotNullConstraintOnlineChange extends AbstractChange {

    private String schemaName;
    private String tableName;
    private String columnName;
    private String lockTimeout;

    @Override
    public SqlStatement[] generateStatements(Database database) {
        throw new UnsupportedOperationException("test stand-in");
    }

    @Override
    public String getConfirmationMessage() {
        return "test stand-in";
    }

    @Override
    public String getSerializedObjectNamespace() {
        return "http://expandcontract.github.io/liquibase";
    }

    public String getSchemaName() {
        return schemaName;
    }

    public void setSchemaName(String schemaName) {
        this.schemaName = schemaName;
    }

    public String getTableName() {
        return tableName;
    }

    public void setTableName(String tableName) {
        this.tableName = tableName;
    }

    public String getColumnName() {
        return columnName;
    }

    public void setColumnName(String columnName) {
        this.columnName = columnName;
    }

    public String getLockTimeout() {
        return lockTimeout;
    }

    public void setLockTimeout(String lockTimeout) {
        this.lockTimeout = lockTimeout;
    }
}
