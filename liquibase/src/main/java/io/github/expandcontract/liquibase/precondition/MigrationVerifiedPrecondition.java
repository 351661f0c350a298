package io.github.expandcontract.liquibase.precondition;

import io.github.expandcontract.liquibase.LiquibaseJdbc;
import io.github.expandcontract.state.MigrationStateStore;
import io.github.expandcontract.verify.VerificationRepository;
import io.github.expandcontract.verify.VerificationResult;
import io.github.expandcontract.verify.VerificationStatus;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.visitor.ChangeExecListener;
import liquibase.database.Database;
import liquibase.exception.PreconditionErrorException;
import liquibase.exception.PreconditionFailedException;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * {@code migrationVerified}: holds only when the migration's latest verification, as recorded in
 * {@value MigrationStateStore#VERIFICATION_TABLE}, PASSED. Guards a changeset that drops the old
 * column or otherwise relies on every row having been copied.
 */
public class MigrationVerifiedPrecondition extends MigrationPrecondition {

    public static final String NAME = "migrationVerified";

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public void check(Database database, DatabaseChangeLog changeLog, ChangeSet changeSet, ChangeExecListener listener)
            throws PreconditionFailedException, PreconditionErrorException {
        VerificationResult result;
        try {
            Connection connection = LiquibaseJdbc.connection(database, NAME);
            if (!LiquibaseJdbc.tableExists(connection, MigrationStateStore.VERIFICATION_TABLE)) {
                throw new PreconditionFailedException(NAME + " '" + migration + "': expand-contract's state table "
                        + MigrationStateStore.VERIFICATION_TABLE + " does not exist in this schema, so the migration was never "
                        + "verified here. Run the application in phase backfill until the verification of '" + migration
                        + "' PASSES (GET /actuator/expandcontract/" + migration + "), then run this changeset.", changeLog, this);
            }
            result = new VerificationRepository().load(connection, migration);
        } catch (SQLException | RuntimeException e) {
            throw new PreconditionErrorException(e, changeLog, this);
        }
        if (result.status() != VerificationStatus.PASSED) {
            throw new PreconditionFailedException(NAME + " '" + migration + "': " + describe(result)
                    + " This changeset may run only after a verification has PASSED: run the application in phase backfill "
                    + "until it does (GET /actuator/expandcontract/" + migration + ", or POST {\"action\": \"verify\"}).",
                    changeLog, this);
        }
    }

    private static String describe(VerificationResult result) {
        return switch (result.status()) {
            case NOT_RUN -> "no verification has run yet.";
            case RUNNING -> "a verification is still running (started " + result.startedAt() + ").";
            case FAILED -> "the latest verification FAILED with " + result.mismatches() + " mismatching row(s) of "
                    + result.rowsChecked() + (result.sampleMismatchIds().isEmpty() ? "" : " (e.g. ids "
                    + String.join(", ", result.sampleMismatchIds()) + ")") + ".";
            case PASSED -> "verified.";
        };
    }
}
