package io.github.expandcontract.liquibase.precondition;

import io.github.expandcontract.config.ExpandContractSettings;
import io.github.expandcontract.liquibase.DurationAttribute;
import io.github.expandcontract.liquibase.LiquibaseJdbc;
import io.github.expandcontract.phase.Phase;
import liquibase.changelog.ChangeLogParameters;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.visitor.ChangeExecListener;
import liquibase.database.Database;
import liquibase.exception.PreconditionErrorException;
import liquibase.exception.PreconditionFailedException;
import liquibase.exception.ValidationErrors;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code noOldColumnWriters}: holds only when nothing still writes the migration's old column:
 * neither the instance running the changelog nor any live instance in {@value LiveInstances#TABLE}.
 * <p>
 * The running instance's own phase is the changelog parameter
 * {@code expand-contract.migrations.<id>.phase} (Liquibase also reads it from a system property of
 * that name); unset means {@code expand}, as it does for the application.
 */
public class NoOldColumnWritersPrecondition extends MigrationPrecondition {

    public static final String NAME = "noOldColumnWriters";

    static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(60);

    private String heartbeatTimeout;

    /** How long after its last heartbeat an instance still counts as live; default 60s. */
    public String getHeartbeatTimeout() {
        return heartbeatTimeout;
    }

    public void setHeartbeatTimeout(String heartbeatTimeout) {
        this.heartbeatTimeout = heartbeatTimeout;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public ValidationErrors validate(Database database) {
        ValidationErrors errors = super.validate(database);
        try {
            timeout();
        } catch (IllegalArgumentException e) {
            errors.addError(NAME + ": " + e.getMessage());
        }
        return errors;
    }

    /** The changelog parameter naming the phase of the instance running the changelog. */
    public static String phaseParameter(String migration) {
        return ExpandContractSettings.MIGRATIONS_PREFIX + migration + ".phase";
    }

    @Override
    public void check(Database database, DatabaseChangeLog changeLog, ChangeSet changeSet, ChangeExecListener listener)
            throws PreconditionFailedException, PreconditionErrorException {
        Phase own = ownPhase(changeLog);
        if (own.writesOld()) {
            throw new PreconditionFailedException(NAME + " '" + migration + "': the instance running this changelog runs phase "
                    + own.configName() + ownPhaseSource(changeLog) + ", which writes the old column. Run this changeset with the "
                    + "deployment of phase contract: set the changelog parameter " + phaseParameter(migration) + "=contract "
                    + "(Spring Boot: spring.liquibase.parameters." + phaseParameter(migration) + "=contract, or the system "
                    + "property -D" + phaseParameter(migration) + "=contract).", changeLog, this);
        }
        List<LiveInstances.Instance> writers = new ArrayList<>();
        try {
            Connection connection = LiquibaseJdbc.connection(database, NAME);
            if (!LiquibaseJdbc.tableExists(connection, LiveInstances.TABLE)) {
                throw new PreconditionFailedException(NAME + " '" + migration + "': expand-contract's instance table "
                        + LiveInstances.TABLE + " does not exist in this schema, so there is no telling which instances still "
                        + "write the old column. Start the application with expand-contract (it creates the table and reports "
                        + "its instances) before running this changeset.", changeLog, this);
            }
            for (LiveInstances.Instance instance : new LiveInstances().find(connection, migration, timeout())) {
                if (writesOld(instance.phase())) {
                    writers.add(instance);
                }
            }
        } catch (SQLException | RuntimeException e) {
            throw new PreconditionErrorException(e, changeLog, this);
        }
        if (!writers.isEmpty()) {
            StringBuilder message = new StringBuilder(NAME + " '" + migration + "': " + writers.size()
                    + " live instance(s) still write the old column: ");
            for (int i = 0; i < writers.size(); i++) {
                LiveInstances.Instance w = writers.get(i);
                message.append(i == 0 ? "" : "; ").append(w.instanceId()).append(" (phase ").append(w.phase())
                        .append(w.host() == null ? "" : ", host " + w.host()).append(", last seen ").append(w.lastSeen()).append(')');
            }
            message.append(". Wait until every instance runs phase contract, or has been gone for ")
                    .append(timeout().toSeconds()).append("s, then run this changeset.");
            throw new PreconditionFailedException(message.toString(), changeLog, this);
        }
    }

    private Phase ownPhase(DatabaseChangeLog changeLog) throws PreconditionErrorException {
        Object value = parameter(changeLog);
        if (value == null || value.toString().isBlank()) {
            return Phase.EXPAND;
        }
        try {
            return Phase.parse(value.toString());
        } catch (IllegalArgumentException e) {
            throw new PreconditionErrorException(new IllegalArgumentException("changelog parameter " + phaseParameter(migration)
                    + ": " + e.getMessage(), e), changeLog, this);
        }
    }

    private String ownPhaseSource(DatabaseChangeLog changeLog) {
        return parameter(changeLog) == null
                ? " (changelog parameter " + phaseParameter(migration) + " is not set, and unset means expand)"
                : " (changelog parameter " + phaseParameter(migration) + ")";
    }

    private Object parameter(DatabaseChangeLog changeLog) {
        ChangeLogParameters parameters = changeLog == null ? null : changeLog.getChangeLogParameters();
        return parameters == null ? null : parameters.getValue(phaseParameter(migration), changeLog);
    }

    /** A phase this library does not know (a newer version's?) counts as writing the old column: better wait than lose writes. */
    private static boolean writesOld(String phase) {
        try {
            return Phase.parse(phase).writesOld();
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    private Duration timeout() {
        return heartbeatTimeout == null || heartbeatTimeout.isBlank()
                ? DEFAULT_HEARTBEAT_TIMEOUT : DurationAttribute.parse("heartbeatTimeout", heartbeatTimeout);
    }
}
