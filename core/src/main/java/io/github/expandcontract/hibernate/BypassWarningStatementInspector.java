package io.github.expandcontract.hibernate;

import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.migration.MigrationCatalog;
import org.hibernate.resource.jdbc.spi.StatementInspector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Warns when SQL that bypasses the entity hooks (a bulk JPQL/Criteria {@code update}, a native
 * query run through Hibernate) writes only one of a migration's two columns in a phase that must
 * keep both in step. Every statement Hibernate prepares passes through a {@link StatementInspector},
 * so this sees them without parsing anything but INSERTs and UPDATEs of migrated tables.
 * <p>
 * It wraps the application's own inspector (which runs first) and never changes the SQL.
 * Plain JDBC, jOOQ and {@code JdbcTemplate} do not pass through Hibernate and stay unseen.
 */
public final class BypassWarningStatementInspector implements StatementInspector {

    private static final Logger log = LoggerFactory.getLogger(BypassWarningStatementInspector.class);
    private static final Pattern UPDATE = Pattern.compile(
            "^\\s*update\\s+(?:only\\s+)?([\\w.\"`]+)(?:\\s+(?:as\\s+)?\\w+)?\\s+set\\s+(.*?)(?:\\s+where\\s+.*|\\s+returning\\s+.*)?$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern INSERT = Pattern.compile(
            "^\\s*insert\\s+into\\s+([\\w.\"`]+)(?:\\s+(?:as\\s+)?\\w+)?\\s*\\(([^)]*)\\).*$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    /** A column being assigned in a SET list: at the start or after a comma, optionally alias-qualified. */
    private static final Pattern ASSIGNED_COLUMN = Pattern.compile("(?:^|,)\\s*(?:\\w+\\.)?[\"`]?(\\w+)[\"`]?\\s*=");
    private static final int MAX_REMEMBERED_STATEMENTS = 2_000;

    private final Supplier<MigrationCatalog> catalog;
    private final StatementInspector delegate;
    /** Statements already judged; Hibernate reuses its SQL strings, so most are seen many times. */
    private final Set<String> judged = ConcurrentHashMap.newKeySet();

    public BypassWarningStatementInspector(Supplier<MigrationCatalog> catalog, StatementInspector delegate) {
        this.catalog = catalog;
        this.delegate = delegate;
    }

    /** Wraps {@code delegate} (may be null) for the migrations the integrator finds. */
    public static BypassWarningStatementInspector wrap(ExpandContractIntegrator integrator, StatementInspector delegate) {
        return new BypassWarningStatementInspector(integrator::catalog, delegate);
    }

    @Override
    public String inspect(String sql) {
        String result = delegate == null ? sql : delegate.inspect(sql);
        if (result != null && isWrite(result) && judged.size() < MAX_REMEMBERED_STATEMENTS && judged.add(result)) {
            check(result);
        }
        return result;
    }

    private static boolean isWrite(String sql) {
        String head = sql.stripLeading();
        return head.regionMatches(true, 0, "update", 0, 6) || head.regionMatches(true, 0, "insert", 0, 6);
    }

    private void check(String sql) {
        Matcher update = UPDATE.matcher(sql);
        Matcher insert = INSERT.matcher(sql);
        String table;
        Set<String> columns;
        if (update.matches()) {
            table = update.group(1);
            columns = new HashSet<>();
            Matcher assigned = ASSIGNED_COLUMN.matcher(update.group(2));
            while (assigned.find()) {
                columns.add(assigned.group(1).toLowerCase(Locale.ROOT));
            }
        } else if (insert.matches()) {
            table = insert.group(1);
            columns = new HashSet<>();
            for (String column : insert.group(2).split(",")) {
                columns.add(unquote(column.trim()).toLowerCase(Locale.ROOT));
            }
        } else {
            return;
        }
        String tableName = unquote(table.substring(table.lastIndexOf('.') + 1));
        for (Migration migration : catalog.get().all()) {
            if (!migration.phase().writesOld() || !migration.phase().writesNew()
                    || !migration.table().name().equalsIgnoreCase(tableName)) {
                continue;
            }
            boolean writesOld = columns.contains(migration.oldColumn().toLowerCase(Locale.ROOT));
            boolean writesNew = columns.contains(migration.newColumn().toLowerCase(Locale.ROOT));
            if (writesOld != writesNew) {
                log.warn("expand-contract migration '{}': a statement writes {} of table {} but not {}, while phase {} keeps both "
                                + "in step. Bulk JPQL/Criteria updates and native SQL bypass the entity hooks: set both columns in "
                                + "the statement (see docs/bypasses.md). Statement: {}",
                        migration.id(), writesOld ? migration.oldColumn() : migration.newColumn(), migration.table(),
                        writesOld ? migration.newColumn() : migration.oldColumn(), migration.phase().configName(),
                        sql.length() > 300 ? sql.substring(0, 300) + "..." : sql);
            }
        }
    }

    private static String unquote(String identifier) {
        return identifier.replace("\"", "").replace("`", "");
    }
}
