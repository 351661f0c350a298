package io.github.expandcontract.state;

import io.github.expandcontract.phase.Phase;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The library's state tables. {@value #TABLE}: one row per migration with the phase the latest
 * instance started in and when the migration first reached {@code contract}, the point of no
 * return. The backfill ({@value #BACKFILL_TABLE}), verification ({@value #VERIFICATION_TABLE}) and
 * fleet ({@value #INSTANCE_TABLE}) tables are read and written by their own packages; they are
 * created here, together.
 * <p>
 * Plain JDBC so that it works the same under Spring and without it; the DDL is portable between
 * PostgreSQL and H2. Liquibase users can create the table with the shipped changelog
 * {@code META-INF/expand-contract/changelog/expand-contract-state.yaml} and set
 * {@code expand-contract.jdbc.initialize-schema=never}.
 */
public final class MigrationStateStore {

    public static final String TABLE = "expand_contract_migration";

    /** Backfill progress, checkpoint and lease: one row per migration. */
    public static final String BACKFILL_TABLE = "expand_contract_backfill";
    /** The latest verification of each migration. */
    public static final String VERIFICATION_TABLE = "expand_contract_verification";
    /** The running instances: one row per instance and migration with its phase and latest heartbeat. */
    public static final String INSTANCE_TABLE = "expand_contract_instance";

    private static final String[] TABLES = {TABLE, BACKFILL_TABLE, VERIFICATION_TABLE, INSTANCE_TABLE};

    private static final String[] DDL = {
            "create table if not exists " + TABLE + " ("
                    + "migration_id varchar(200) not null primary key, "
                    + "last_phase varchar(32) not null, "
                    + "contract_reached_at timestamp with time zone, "
                    + "updated_at timestamp with time zone not null)",
            "create table if not exists " + BACKFILL_TABLE + " ("
                    + "migration_id varchar(200) not null primary key, "
                    + "status varchar(16) not null, "
                    + "pause_requested boolean not null, "
                    + "last_key varchar(200), "
                    + "rows_processed bigint not null, "
                    + "rows_copied bigint not null, "
                    + "rows_failed bigint not null, "
                    + "sample_failed_ids varchar(2000), "
                    + "rows_total bigint, "
                    + "batch_size integer, "
                    + "rows_per_second double precision, "
                    + "last_error varchar(4000), "
                    + "started_at timestamp with time zone, "
                    + "finished_at timestamp with time zone, "
                    + "updated_at timestamp with time zone not null, "
                    + "lease_owner varchar(200), "
                    + "lease_until timestamp with time zone)",
            "create table if not exists " + VERIFICATION_TABLE + " ("
                    + "migration_id varchar(200) not null primary key, "
                    + "status varchar(16) not null, "
                    + "rows_checked bigint not null, "
                    + "mismatches bigint not null, "
                    + "sample_mismatch_ids varchar(2000), "
                    + "started_at timestamp with time zone, "
                    + "finished_at timestamp with time zone)",
            "create table if not exists " + INSTANCE_TABLE + " ("
                    + "instance_id varchar(200) not null, "
                    + "migration_id varchar(200) not null, "
                    + "phase varchar(32) not null, "
                    + "host varchar(255) not null, "
                    + "started_at timestamp with time zone not null, "
                    + "last_seen timestamp with time zone not null, "
                    + "primary key (instance_id, migration_id))"
    };

    private final boolean initializeSchema;

    public MigrationStateStore(boolean initializeSchema) {
        this.initializeSchema = initializeSchema;
    }

    /** Creates the table when missing (unless told never to), else fails with the fix. */
    public void ensureSchema(Connection connection) throws SQLException {
        List<String> missing = new ArrayList<>();
        for (String table : TABLES) {
            if (!tableExists(connection, table)) {
                missing.add(table);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        if (!initializeSchema) {
            throw new IllegalStateException("expand-contract state tables " + TABLE + ", " + BACKFILL_TABLE + ", "
                    + VERIFICATION_TABLE + " and " + INSTANCE_TABLE + " do not all exist (missing: " + String.join(", ", missing) + "), and "
                    + "expand-contract.jdbc.initialize-schema is never. Fix: include the changelog "
                    + "META-INF/expand-contract/changelog/expand-contract-state.yaml in your Liquibase master changelog, "
                    + "or set expand-contract.jdbc.initialize-schema=always.");
        }
        try (Statement statement = connection.createStatement()) {
            for (String ddl : DDL) {
                try {
                    statement.execute(ddl);
                } catch (SQLException e) {
                    // Instances starting at the same moment on a database without the tables: PostgreSQL's
                    // "create table if not exists" does not skip a table another session is creating right
                    // then; it fails on the catalog's unique index (23505), with "type ... already exists"
                    // (42710) or "relation ... already exists" (42P07). The other session has committed
                    // the table by the time we see the error, so there is nothing left to do.
                    if (!createdConcurrently(e)) {
                        throw e;
                    }
                }
            }
        }
    }

    private static boolean createdConcurrently(SQLException e) {
        return "23505".equals(e.getSQLState()) || "42710".equals(e.getSQLState()) || "42P07".equals(e.getSQLState());
    }

    private static boolean tableExists(Connection connection, String table) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        for (String name : new String[] {table, table.toUpperCase(java.util.Locale.ROOT)}) {
            try (ResultSet rs = meta.getTables(connection.getCatalog(), connection.getSchema(), name, new String[] {"TABLE"})) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** When the migration first started an instance in {@code contract}, if it ever did. */
    public Optional<Instant> contractReachedAt(Connection connection, String migrationId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "select contract_reached_at from " + TABLE + " where migration_id = ?")) {
            ps.setString(1, migrationId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    Timestamp at = rs.getTimestamp(1);
                    return Optional.ofNullable(at).map(Timestamp::toInstant);
                }
                return Optional.empty();
            }
        }
    }

    /** Records that an instance started the migration in {@code phase}; the first contract start is kept. */
    public void recordStart(Connection connection, String migrationId, Phase phase, Instant now) throws SQLException {
        Timestamp at = Timestamp.from(now);
        Timestamp contractAt = phase == Phase.CONTRACT ? at : null;
        try (PreparedStatement update = connection.prepareStatement("update " + TABLE
                + " set last_phase = ?, updated_at = ?, contract_reached_at = coalesce(contract_reached_at, ?) where migration_id = ?")) {
            update.setString(1, phase.configName());
            update.setTimestamp(2, at);
            update.setTimestamp(3, contractAt);
            update.setString(4, migrationId);
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("insert into " + TABLE
                + " (migration_id, last_phase, contract_reached_at, updated_at) values (?, ?, ?, ?)")) {
            insert.setString(1, migrationId);
            insert.setString(2, phase.configName());
            insert.setTimestamp(3, contractAt);
            insert.setTimestamp(4, at);
            insert.executeUpdate();
        } catch (SQLException e) {
            // another instance inserted the row first: update it instead
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                recordStart(connection, migrationId, phase, now);
            } else {
                throw e;
            }
        }
    }
}
