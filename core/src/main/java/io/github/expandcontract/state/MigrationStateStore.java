package io.github.expandcontract.state;

import io.github.expandcontract.phase.Phase;
import io.github.expandcontract.schema.TableColumns;

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
    /** Every start with {@code force-phase}: who, when, in which phase, and which rules it overrode. */
    public static final String OVERRIDE_TABLE = "expand_contract_override";

    private static final String[] TABLES = {TABLE, BACKFILL_TABLE, VERIFICATION_TABLE, INSTANCE_TABLE, OVERRIDE_TABLE};

    /**
     * Columns of {@value #TABLE} added for the rolling-deploy rules, added to a table created by an
     * earlier version when they are missing: when read-new was first reached (bake-in), and when the
     * last instance in expand or contract left the fleet (the read-new and reverse gates).
     */
    private static final String[][] ADDED_COLUMNS = {
            {"read_new_reached_at", "timestamp with time zone"},
            {"expand_left_at", "timestamp with time zone"},
            {"contract_left_at", "timestamp with time zone"},
            {"reversed_at", "timestamp with time zone"}};

    private static final String[] DDL = {
            "create table if not exists " + TABLE + " ("
                    + "migration_id varchar(200) not null primary key, "
                    + "last_phase varchar(32) not null, "
                    + "contract_reached_at timestamp with time zone, "
                    + "updated_at timestamp with time zone not null, "
                    + "read_new_reached_at timestamp with time zone, "
                    + "expand_left_at timestamp with time zone, "
                    + "contract_left_at timestamp with time zone, "
                    + "reversed_at timestamp with time zone)",
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
                    + "primary key (instance_id, migration_id))",
            "create table if not exists " + OVERRIDE_TABLE + " ("
                    + "migration_id varchar(200) not null, "
                    + "instance_id varchar(200) not null, "
                    + "host varchar(255) not null, "
                    + "os_user varchar(200) not null, "
                    + "phase varchar(32) not null, "
                    + "overridden varchar(4000) not null, "
                    + "at timestamp with time zone not null)"
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
            addMissingColumns(connection);
            return;
        }
        if (!initializeSchema) {
            throw new IllegalStateException("expand-contract state tables " + TABLE + ", " + BACKFILL_TABLE + ", "
                    + VERIFICATION_TABLE + ", " + INSTANCE_TABLE + " and " + OVERRIDE_TABLE + " do not all exist (missing: " + String.join(", ", missing) + "), and "
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
        addMissingColumns(connection);
    }

    /** Adds the columns of {@link #ADDED_COLUMNS} to a migration table an earlier version created. */
    private void addMissingColumns(Connection connection) throws SQLException {
        TableColumns columns = TableColumns.read(connection, connection.getCatalog(), null, TABLE).orElseThrow();
        List<String> missing = new ArrayList<>();
        for (String[] column : ADDED_COLUMNS) {
            if (columns.column(column[0]).isEmpty()) {
                missing.add(column[0]);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        if (!initializeSchema) {
            throw new IllegalStateException("expand-contract state table " + TABLE + " lacks the columns " + String.join(", ", missing)
                    + " of this version, and expand-contract.jdbc.initialize-schema is never. Fix: update the included changelog "
                    + "META-INF/expand-contract/changelog/expand-contract-state.yaml (its changeset expand-contract-state-5 adds them), "
                    + "or set expand-contract.jdbc.initialize-schema=always.");
        }
        try (Statement statement = connection.createStatement()) {
            for (String[] column : ADDED_COLUMNS) {
                if (missing.contains(column[0])) {
                    try {
                        statement.execute("alter table " + TABLE + " add column " + column[0] + " " + column[1]);
                    } catch (SQLException e) {
                        // another instance added it at the same moment (42701 duplicate column on PostgreSQL)
                        if (!"42701".equals(e.getSQLState()) && !"42S21".equals(e.getSQLState())) {
                            throw e;
                        }
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

    /**
     * Creates the migration's row when missing, with {@code phase} as its last phase. Run it with
     * auto-commit on, before {@link #lock}: a duplicate key (another instance inserting at the same
     * moment) would otherwise abort the caller's transaction on PostgreSQL.
     */
    public void ensureRow(Connection connection, String migrationId, Phase phase) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into " + TABLE
                + " (migration_id, last_phase, updated_at) select ?, ?, current_timestamp where not exists "
                + "(select 1 from " + TABLE + " where migration_id = ?)")) {
            insert.setString(1, migrationId);
            insert.setString(2, phase.configName());
            insert.setString(3, migrationId);
            insert.executeUpdate();
        } catch (SQLException e) {
            if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                throw e;
            }
            // another instance inserted it first
        }
    }

    /**
     * Locks the migration's row (made by {@link #ensureRow}) until the transaction ends, so that two
     * instances starting at once check the fleet one after the other: the second sees the first
     * one's registration. Needs auto-commit off.
     */
    public MigrationState lock(Connection connection, String migrationId) throws SQLException {
        return load(connection, migrationId, " for update").orElseThrow(() -> new IllegalStateException(
                "no row '" + migrationId + "' in " + TABLE + " to lock; call ensureRow first"));
    }

    /** The migration's row, if an instance ever started it. */
    public Optional<MigrationState> load(Connection connection, String migrationId) throws SQLException {
        return load(connection, migrationId, "");
    }

    private Optional<MigrationState> load(Connection connection, String migrationId, String suffix) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("select last_phase, contract_reached_at, read_new_reached_at, "
                + "expand_left_at, contract_left_at, reversed_at, current_timestamp from " + TABLE + " where migration_id = ?" + suffix)) {
            ps.setString(1, migrationId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new MigrationState(migrationId, Phase.parse(rs.getString(1)), instant(rs.getTimestamp(2)),
                        instant(rs.getTimestamp(3)), instant(rs.getTimestamp(4)), instant(rs.getTimestamp(5)),
                        instant(rs.getTimestamp(6)), instant(rs.getTimestamp(7))));
            }
        }
    }

    /**
     * Records that an instance started the migration in {@code phase} (database clock). Contract:
     * the first contract start is kept as the point of no return. Read-new: the first read-new start
     * since the last start in a phase that reads old is kept (the bake-in counts from it). A phase
     * that reads old after contract (allowed only after a passed reverse backfill) clears the
     * contract marker and records when.
     */
    public void recordStart(Connection connection, String migrationId, Phase phase) throws SQLException {
        recordStart(connection, migrationId, phase, true);
    }

    /**
     * @param mayClearContract false for a start that only force-phase let past the back-from-contract
     *                         rule: the contract marker stays, for every other instance
     */
    public void recordStart(Connection connection, String migrationId, Phase phase, boolean mayClearContract) throws SQLException {
        String assignments = switch (phase) {
            case CONTRACT -> "contract_reached_at = coalesce(contract_reached_at, current_timestamp)";
            case READ_NEW -> "read_new_reached_at = coalesce(read_new_reached_at, current_timestamp)";
            default -> mayClearContract
                    ? "read_new_reached_at = null, "
                    + "reversed_at = case when contract_reached_at is null then reversed_at else current_timestamp end, "
                    + "contract_reached_at = null"
                    : "read_new_reached_at = null";
        };
        ensureRow(connection, migrationId, phase);
        try (PreparedStatement update = connection.prepareStatement("update " + TABLE
                + " set last_phase = ?, updated_at = current_timestamp, " + assignments + " where migration_id = ?")) {
            update.setString(1, phase.configName());
            update.setString(2, migrationId);
            update.executeUpdate();
        }
    }

    /**
     * Records that an instance running {@code phase} left the fleet (or was last seen) at {@code at}
     * ({@code null}: now, database clock). Only expand and contract are recorded: the read-new gate
     * needs to know when the last instance that did not write the new column left, the reverse
     * gate when the last one that did not write the old column left. Never moves a time back.
     */
    public void recordLeft(Connection connection, String migrationId, Phase phase, Timestamp at) throws SQLException {
        String column = switch (phase) {
            case EXPAND -> "expand_left_at";
            case CONTRACT -> "contract_left_at";
            default -> null;
        };
        if (column == null) {
            return;
        }
        String value = at == null ? "current_timestamp" : "?";
        try (PreparedStatement ps = connection.prepareStatement("update " + TABLE + " set " + column + " = case when " + column
                + " is null or " + column + " < " + value + " then " + value + " else " + column + " end where migration_id = ?")) {
            int i = 1;
            if (at != null) {
                ps.setTimestamp(i++, at);
                ps.setTimestamp(i++, at);
            }
            ps.setString(i, migrationId);
            ps.executeUpdate();
        }
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
