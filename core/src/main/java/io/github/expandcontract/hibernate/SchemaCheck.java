package io.github.expandcontract.hibernate;

import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.fleet.StartupGate;
import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.migration.MigrationConfigurationException;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.schema.TableColumns;
import io.github.expandcontract.state.MigrationStateStore;
import org.hibernate.HibernateException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * Checks each migration against the real database schema (JDBC metadata, not the mapping):
 * both columns exist, and the column a phase does not write can take the NULL an INSERT leaves
 * in it. Then the {@link StartupGate} checks the phase against the live fleet and the state tables
 * (phase distance, read-new and contract gates, not back from contract) and registers the instance.
 */
final class SchemaCheck {

    private static final Logger log = LoggerFactory.getLogger(SchemaCheck.class);

    private final List<Migration> migrations;
    private final MigrationStateStore state;
    private final StartupGate gate;

    SchemaCheck(List<Migration> migrations, MigrationStateStore state, ExpandContractSettings.Fleet fleet) {
        this.migrations = migrations;
        this.state = state;
        this.gate = new StartupGate(state, fleet);
    }

    /** @return the migrations in read-new past contract ({@link StartupGate#run}): no fallback to the old column */
    Set<String> run(ExpandContractIntegrator.ConnectionSupplier connections) {
        Connection connection = null;
        Boolean autoCommit = null;
        try {
            connection = connections.get();
            autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(true);
            for (Migration migration : migrations) {
                check(connection, migration);
            }
            state.ensureSchema(connection);
            return gate.run(connection, migrations);
        } catch (SQLException e) {
            throw new HibernateException("expand-contract could not read the database schema to check its migrations: " + e, e);
        } finally {
            if (connection != null) {
                try {
                    if (autoCommit != null) {
                        connection.setAutoCommit(autoCommit);
                    }
                    connections.release(connection);
                } catch (SQLException ignored) {
                    // the check's outcome stands; nothing more to do with a connection we could not return
                }
            }
        }
    }

    private static void check(Connection connection, Migration m) throws SQLException {
        Migration.TableName table = m.table();
        TableColumns columns = TableColumns.read(connection, table.catalog(), table.schema(), table.name())
                .orElseThrow(() -> fail(m, "table " + table + " does not exist in the database"
                                + (table.schema() == null ? "." : " (schema " + table.schema() + ")."),
                        "create the table, or check the datasource URL and the schema the entity maps."));
        if (m.idColumn() == null && (m.phase() == Phase.BACKFILL || m.phase() == Phase.READ_NEW)) {
            throw fail(m, "table " + table + " has a composite primary key; the backfill and the verification walk the "
                            + "table by a single-column key.",
                    "copy and verify this table yourself, or add a unique single-column key; composite keys are not supported yet.");
        }
        if (m.fillsNulls()) {
            checkColumnToFill(m, columns);
            return;
        }
        TableColumns.Column newColumn = columns.column(m.newColumn())
                .orElseThrow(() -> fail(m, "the new column " + m.newColumn() + " does not exist in table " + table + ".",
                        "add it before deploying this phase, e.g. in an expand changelog: ALTER TABLE " + table
                                + " ADD COLUMN " + m.newColumn() + " <type> NULL (nullable and without a default, it is instant on PostgreSQL)."));
        TableColumns.Column oldColumn = columns.column(m.oldColumn())
                .orElseThrow(() -> fail(m, "the old column " + m.oldColumn() + " does not exist in table " + table
                                + ", but " + m.entity() + "." + m.oldProperty() + " still maps it.",
                        "keep the old column until the application no longer maps it: after contract, remove the old field "
                                + "and @DualWrite, deploy, and only then drop the column."));
        if (m.phase() == Phase.EXPAND && !newColumn.nullable() && !newColumn.hasDefault()) {
            throw fail(m, "phase expand does not write the new column " + m.newColumn() + ", but it is NOT NULL without a default, "
                            + "so every INSERT would fail.",
                    "make " + m.newColumn() + " nullable (add NOT NULL after the backfill, online), or give it a default.");
        }
        if (m.phase() == Phase.CONTRACT && !oldColumn.nullable() && !oldColumn.hasDefault()) {
            throw fail(m, "phase contract no longer writes the old column " + m.oldColumn() + ", but it is NOT NULL without a default, "
                            + "so every INSERT would fail.",
                    "drop the NOT NULL constraint of " + m.oldColumn() + " (ALTER TABLE " + table + " ALTER COLUMN " + m.oldColumn()
                            + " DROP NOT NULL) before deploying contract.");
        }
    }

    /** A {@code @FillNulls} column: it exists; in contract, whether the NOT NULL constraint is there yet. */
    private static void checkColumnToFill(Migration m, TableColumns columns) {
        TableColumns.Column column = columns.column(m.newColumn())
                .orElseThrow(() -> fail(m, "the column " + m.newColumn() + " does not exist in table " + m.table() + ", but "
                                + m.entity() + "." + m.newProperty() + " maps it.",
                        "check the @Column name of " + m.entity() + "." + m.newProperty() + " and the datasource's schema."));
        if (m.phase() == Phase.CONTRACT && column.nullable()) {
            log.warn("expand-contract migration '{}': phase contract, but column {} of table {} is still nullable. Add the "
                            + "constraint with the Liquibase change addNotNullConstraintOnline (precondition migrationVerified), "
                            + "then remove @FillNulls.", m.id(), m.newColumn(), m.table());
        } else if (m.phase() == Phase.CONTRACT) {
            log.info("expand-contract migration '{}': column {} of table {} is NOT NULL; the migration is done, and @FillNulls "
                    + "can be removed once the application never writes NULL to it.", m.id(), m.newColumn(), m.table());
        }
    }

    private static MigrationConfigurationException fail(Migration m, String problem, String fix) {
        return new MigrationConfigurationException(m.id(), m.entity(), m.newProperty(), problem, fix);
    }
}
