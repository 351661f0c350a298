package io.github.expandcontract.hibernate;

import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.migration.MigrationConfigurationException;
import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.schema.TableColumns;
import io.github.expandcontract.state.MigrationStateStore;
import io.github.expandcontract.verify.VerificationRepository;
import io.github.expandcontract.verify.VerificationResult;
import io.github.expandcontract.verify.VerificationStatus;
import org.hibernate.HibernateException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Checks each migration against the real database schema (JDBC metadata, not the mapping):
 * both columns exist, and the column a phase does not write can take the NULL an INSERT leaves
 * in it. Then consults the state table: an instance may not go back from {@code contract}.
 */
final class SchemaCheck {

    private static final Logger log = LoggerFactory.getLogger(SchemaCheck.class);

    private final List<Migration> migrations;
    private final MigrationStateStore state;
    private final VerificationRepository verifications = new VerificationRepository();

    SchemaCheck(List<Migration> migrations, MigrationStateStore state) {
        this.migrations = migrations;
        this.state = state;
    }

    void run(ExpandContractIntegrator.ConnectionSupplier connections) {
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
            for (Migration migration : migrations) {
                checkNotBackFromContract(connection, migration);
                checkVerifiedBeforeReadNew(connection, migration);
            }
            Instant now = Instant.now();
            for (Migration migration : migrations) {
                state.recordStart(connection, migration.id(), migration.phase(), now);
            }
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

    private void checkNotBackFromContract(Connection connection, Migration m) throws SQLException {
        if (m.fillsNulls()) {
            return; // nothing goes stale in contract: the column is written in every phase, going back is safe
        }
        Optional<Instant> contractReached = state.contractReachedAt(connection, m.id());
        if (contractReached.isPresent() && m.phase() != Phase.CONTRACT) {
            throw fail(m, "the migration reached contract at " + contractReached.get() + "; since then the old column "
                            + m.oldColumn() + " is no longer written, so phase " + m.phase().configName()
                            + " would read and write stale data. Going back from contract is refused.",
                    "keep phase contract. Only if you know no write happened since " + contractReached.get()
                            + " (e.g. contract was deployed by mistake and rolled back at once), delete the row '" + m.id()
                            + "' from " + MigrationStateStore.TABLE + " and start again.");
        }
    }

    private void checkVerifiedBeforeReadNew(Connection connection, Migration m) throws SQLException {
        if (m.phase() != Phase.READ_NEW) {
            return;
        }
        VerificationResult verification = verifications.load(connection, m.id());
        if (verification.status() != VerificationStatus.PASSED) {
            String seen = switch (verification.status()) {
                case NOT_RUN -> "no verification has run";
                case RUNNING -> "its verification is still running";
                default -> "its last verification FAILED with " + verification.mismatches() + " mismatches (e.g. ids "
                        + verification.sampleMismatchIds() + ")";
            };
            throw fail(m, "phase read-new reads the new column " + m.newColumn() + ", but " + seen + ".",
                    "run phase backfill until the backfill completes and its verification PASSES (or restart the backfill and "
                            + "verify again), then deploy read-new.");
        }
    }

    private static MigrationConfigurationException fail(Migration m, String problem, String fix) {
        return new MigrationConfigurationException(m.id(), m.entity(), m.newProperty(), problem, fix);
    }
}
