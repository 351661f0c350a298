package io.github.expandcontract.lint.sql;

import io.github.expandcontract.lint.sql.Operation.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells what DDL statements do to locks: a small pattern-based classifier for the statements
 * that matter to a busy table (CREATE INDEX, ALTER TABLE ..., DROP, RENAME, SET lock_timeout),
 * PostgreSQL syntax first, plus MySQL's {@code MODIFY}/{@code CHANGE}/{@code ADD INDEX}.
 * Harmless statements (DML, sequences, views, functions, grants, comments) are recognised as such;
 * anything else is {@link Kind#UNCLASSIFIED}, never silently passed.
 */
public final class SqlClassifier {

    private static final String IDENT = "(?:\"[^\"]+\"|`[^`]+`|[\\p{L}_][\\p{L}\\p{N}_$]*)";
    private static final String QNAME = IDENT + "(?:\\s*\\.\\s*" + IDENT + ")*";
    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;

    private static final Pattern CREATE_TABLE = Pattern.compile(
            "CREATE\\s+(?:(?:GLOBAL|LOCAL)\\s+)?(?:(?:TEMP|TEMPORARY|UNLOGGED)\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(" + QNAME + ")(.*)", FLAGS);
    private static final Pattern CREATE_INDEX = Pattern.compile(
            "CREATE\\s+(UNIQUE\\s+)?INDEX\\s+(CONCURRENTLY\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:(" + IDENT + ")\\s+)?ON\\s+(?:ONLY\\s+)?(" + QNAME + ").*", FLAGS);
    private static final Pattern DROP_INDEX = Pattern.compile(
            "DROP\\s+INDEX\\s+(CONCURRENTLY\\s+)?(?:IF\\s+EXISTS\\s+)?(" + QNAME + ")(?:\\s+ON\\s+(" + QNAME + "))?.*", FLAGS);
    private static final Pattern ALTER_TABLE = Pattern.compile(
            "ALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?(" + QNAME + ")\\s*\\*?\\s+(.*)", FLAGS);
    private static final Pattern RENAME_TABLE_MYSQL = Pattern.compile(
            "RENAME\\s+TABLE\\s+(" + QNAME + ")\\s+TO\\s+(" + QNAME + ")", FLAGS);
    private static final Pattern DROP_TABLE = Pattern.compile(
            "DROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(.+?)(?:\\s+(?:CASCADE|RESTRICT)(?:\\s+CONSTRAINTS)?)?\\s*", FLAGS);
    private static final Pattern SET_LOCK_TIMEOUT = Pattern.compile(
            "SET\\s+(?:(SESSION|LOCAL)\\s+)?(?:@@(?:SESSION\\.)?)?(lock_timeout|lock_wait_timeout)\\s*(?:=|TO)\\s*(.+)", FLAGS);
    private static final Pattern SET_CONFIG_LOCK_TIMEOUT = Pattern.compile(
            "SELECT\\s+(?:pg_catalog\\.)?set_config\\s*\\(\\s*'lock_timeout'\\s*,\\s*'([^']*)'\\s*,\\s*(true|false)\\s*\\).*", FLAGS);
    private static final Pattern TRIGGER = Pattern.compile(
            "(?:CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:CONSTRAINT\\s+)?TRIGGER|DROP\\s+TRIGGER)\\b.*?\\bON\\s+(" + QNAME + ").*", FLAGS);
    private static final Pattern NO_TABLE_LOCK = Pattern.compile(
            "(?:SELECT|INSERT|UPDATE|DELETE|WITH|VALUES|MERGE|COMMENT\\s+ON|GRANT|REVOKE|SET|RESET|SHOW|ANALYZE|CALL|"
                    + "REFRESH\\s+MATERIALIZED\\s+VIEW|"
                    + "CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:TEMP\\s+|TEMPORARY\\s+)?(?:SEQUENCE|(?:MATERIALIZED\\s+)?VIEW|FUNCTION|PROCEDURE|SCHEMA|EXTENSION|TYPE|DOMAIN|ROLE|USER|COLLATION)|"
                    + "ALTER\\s+(?:SEQUENCE|VIEW|MATERIALIZED\\s+VIEW|FUNCTION|PROCEDURE|SCHEMA|TYPE|DOMAIN|ROLE|USER|DEFAULT\\s+PRIVILEGES|EXTENSION)|"
                    + "DROP\\s+(?:SEQUENCE|VIEW|MATERIALIZED\\s+VIEW|FUNCTION|PROCEDURE|SCHEMA|EXTENSION|TYPE|DOMAIN|ROLE|USER))\\b.*", FLAGS);

    private static final Pattern ADD_CONSTRAINT = Pattern.compile(
            "ADD\\s+(?:CONSTRAINT\\s+(" + IDENT + ")\\s+)?(PRIMARY\\s+KEY|UNIQUE(?:\\s+(?:KEY|INDEX))?|CHECK|FOREIGN\\s+KEY|EXCLUDE)\\b(.*)", FLAGS);
    private static final Pattern ADD_INDEX_MYSQL = Pattern.compile(
            "ADD\\s+(UNIQUE\\s+|FULLTEXT\\s+|SPATIAL\\s+)?(?:INDEX|KEY)\\b(?:\\s+(" + IDENT + "))?.*", FLAGS);
    private static final Pattern ADD_COLUMN = Pattern.compile("ADD\\s+(?:COLUMN\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?(.+)", FLAGS);
    private static final Pattern ALTER_COLUMN = Pattern.compile("ALTER\\s+(?:COLUMN\\s+)?(" + IDENT + ")\\s+(.+)", FLAGS);
    private static final Pattern COLUMN_TYPE = Pattern.compile("(?:SET\\s+DATA\\s+)?TYPE\\s+(.+?)(?:\\s+(?:USING|COLLATE)\\b.*)?", FLAGS);
    private static final Pattern BRIEF_COLUMN_CHANGE = Pattern.compile(
            "(?:DROP\\s+NOT\\s+NULL|SET\\s+DEFAULT\\b.*|DROP\\s+DEFAULT|SET\\s+STATISTICS\\b.*|SET\\s*\\(.*|RESET\\s*\\(.*|SET\\s+STORAGE\\b.*"
                    + "|SET\\s+COMPRESSION\\b.*|DROP\\s+IDENTITY.*|ADD\\s+GENERATED\\b.*|SET\\s+GENERATED\\b.*|RESTART\\b.*|DROP\\s+EXPRESSION.*|SET\\s+(?:IN)?VISIBLE)", FLAGS);
    private static final Pattern MODIFY_COLUMN = Pattern.compile("MODIFY\\s+(?:COLUMN\\s+)?(" + IDENT + ")\\s+(.+)", FLAGS);
    private static final Pattern CHANGE_COLUMN = Pattern.compile("CHANGE\\s+(?:COLUMN\\s+)?(" + IDENT + ")\\s+(" + IDENT + ")\\s+(.+)", FLAGS);
    private static final Pattern RENAME_TO = Pattern.compile("RENAME\\s+TO\\s+(" + QNAME + ")", FLAGS);
    private static final Pattern RENAME_COLUMN = Pattern.compile("RENAME\\s+(?:COLUMN\\s+)?(" + IDENT + ")\\s+TO\\s+(" + IDENT + ")", FLAGS);
    private static final Pattern RENAME_OTHER = Pattern.compile("RENAME\\s+(?:CONSTRAINT|INDEX|KEY)\\b.*", FLAGS);
    private static final Pattern VALIDATE = Pattern.compile("VALIDATE\\s+CONSTRAINT\\s+(" + IDENT + ")", FLAGS);
    private static final Pattern DROP_CONSTRAINT = Pattern.compile(
            "DROP\\s+(?:CONSTRAINT|FOREIGN\\s+KEY|PRIMARY\\s+KEY|INDEX|KEY|CHECK)\\b.*", FLAGS);
    private static final Pattern DROP_COLUMN = Pattern.compile("DROP\\s+(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?(" + IDENT + ")(?:\\s+(?:CASCADE|RESTRICT))?", FLAGS);
    private static final Pattern BRIEF_TABLE_CHANGE = Pattern.compile(
            "(?:OWNER\\s+TO|ENABLE|DISABLE|REPLICA\\s+IDENTITY|CLUSTER\\s+ON|SET\\s+WITHOUT\\s+CLUSTER|SET\\s*\\(|RESET\\s*\\(|FORCE\\s+ROW|NO\\s+FORCE\\s+ROW|SET\\s+SCHEMA|COMMENT\\s*=?).*", FLAGS);

    private SqlClassifier() {
    }

    /** The operations of every statement in a script. */
    public static List<Operation> classify(String script) {
        List<Operation> operations = new ArrayList<>();
        for (String statement : SqlText.statements(script)) {
            operations.addAll(classifyStatement(statement));
        }
        return operations;
    }

    static List<Operation> classifyStatement(String sql) {
        Matcher m;
        if ((m = CREATE_TABLE.matcher(sql)).matches()) {
            return createTable(sql, SqlText.name(m.group(1)), m.group(2));
        }
        if ((m = CREATE_INDEX.matcher(sql)).matches()) {
            return List.of(Operation.of(Kind.CREATE_INDEX, SqlText.name(m.group(4)), sql)
                    .withName(SqlText.name(m.group(3)))
                    .withFlag(Operation.UNIQUE, m.group(1) != null)
                    .withFlag(Operation.CONCURRENTLY, m.group(2) != null));
        }
        if ((m = DROP_INDEX.matcher(sql)).matches()) {
            return List.of(Operation.of(Kind.DROP_INDEX, SqlText.name(m.group(3)), sql)
                    .withName(SqlText.name(m.group(2)))
                    .withFlag(Operation.CONCURRENTLY, m.group(1) != null));
        }
        if ((m = ALTER_TABLE.matcher(sql)).matches()) {
            String table = SqlText.name(m.group(1));
            List<Operation> operations = new ArrayList<>();
            for (String action : SqlText.splitTopLevel(m.group(2), ',')) {
                operations.add(alterTableAction(table, action, sql));
            }
            return operations;
        }
        if ((m = RENAME_TABLE_MYSQL.matcher(sql)).matches()) {
            return List.of(Operation.of(Kind.RENAME_TABLE, SqlText.name(m.group(1)), sql).withName(SqlText.name(m.group(2))));
        }
        if ((m = DROP_TABLE.matcher(sql)).matches()) {
            List<Operation> operations = new ArrayList<>();
            for (String table : SqlText.splitTopLevel(m.group(1), ',')) {
                operations.add(Operation.of(Kind.DROP_TABLE, SqlText.name(table), sql));
            }
            return operations;
        }
        if ((m = SET_LOCK_TIMEOUT.matcher(sql)).matches()) {
            return List.of(Operation.of(Kind.SET_LOCK_TIMEOUT, null, sql)
                    .withName(m.group(2).toLowerCase(Locale.ROOT))
                    .withExpression(unquote(m.group(3)))
                    .withFlag(Operation.LOCAL, "LOCAL".equalsIgnoreCase(m.group(1))));
        }
        if ((m = SET_CONFIG_LOCK_TIMEOUT.matcher(sql)).matches()) {
            return List.of(Operation.of(Kind.SET_LOCK_TIMEOUT, null, sql)
                    .withName("lock_timeout")
                    .withExpression(m.group(1))
                    .withFlag(Operation.LOCAL, "true".equalsIgnoreCase(m.group(2))));
        }
        if ((m = TRIGGER.matcher(sql)).matches()) {
            return List.of(Operation.of(Kind.BRIEF_LOCK, SqlText.name(m.group(1)), sql));
        }
        if (NO_TABLE_LOCK.matcher(sql).matches()) {
            return List.of(Operation.of(Kind.NO_TABLE_LOCK, null, sql));
        }
        return List.of(Operation.of(Kind.UNCLASSIFIED, null, sql));
    }

    private static List<Operation> createTable(String sql, String table, String rest) {
        List<Operation> operations = new ArrayList<>();
        operations.add(Operation.of(Kind.CREATE_TABLE, table, sql));
        String body = rest.trim().startsWith("(") ? SqlText.parenthesised(rest, 0) : null;
        if (body != null) {
            for (String element : SqlText.splitTopLevel(body, ',')) {
                if (!element.matches("(?is)(?:CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN|EXCLUDE|LIKE|INDEX|KEY|FULLTEXT|SPATIAL)\\b.*")) {
                    ColumnDefinition column = ColumnDefinition.parse(element);
                    if (column != null) {
                        operations.add(column.toAddColumn(table, sql));
                    }
                }
            }
        }
        return operations;
    }

    private static Operation alterTableAction(String table, String action, String sql) {
        Matcher m;
        if ((m = RENAME_TO.matcher(action)).matches()) {
            return Operation.of(Kind.RENAME_TABLE, table, sql).withName(SqlText.name(m.group(1)));
        }
        if (RENAME_OTHER.matcher(action).matches()) {
            return Operation.of(Kind.BRIEF_LOCK, table, sql);
        }
        if ((m = RENAME_COLUMN.matcher(action)).matches()) {
            return Operation.of(Kind.RENAME_COLUMN, table, sql).withColumn(SqlText.name(m.group(1))).withName(SqlText.name(m.group(2)));
        }
        if ((m = ADD_CONSTRAINT.matcher(action)).matches()) {
            return addConstraint(table, SqlText.name(m.group(1)), m.group(2).toUpperCase(Locale.ROOT), m.group(3), sql);
        }
        if ((m = ADD_INDEX_MYSQL.matcher(action)).matches()) {
            return Operation.of(Kind.CREATE_INDEX, table, sql).withName(SqlText.name(m.group(2)))
                    .withFlag(Operation.UNIQUE, m.group(1) != null && m.group(1).trim().equalsIgnoreCase("UNIQUE"));
        }
        if ((m = ADD_COLUMN.matcher(action)).matches()) {
            ColumnDefinition column = ColumnDefinition.parse(m.group(1));
            return column == null ? Operation.of(Kind.UNCLASSIFIED, table, sql) : column.toAddColumn(table, sql);
        }
        if ((m = ALTER_COLUMN.matcher(action)).matches()) {
            String column = SqlText.name(m.group(1));
            String change = m.group(2).trim();
            Matcher type = COLUMN_TYPE.matcher(change);
            if (type.matches()) {
                return Operation.of(Kind.ALTER_COLUMN_TYPE, table, sql).withColumn(column).withType(type.group(1).trim());
            }
            if (change.matches("(?i)SET\\s+NOT\\s+NULL")) {
                return Operation.of(Kind.SET_NOT_NULL, table, sql).withColumn(column);
            }
            if (BRIEF_COLUMN_CHANGE.matcher(change).matches()) {
                return Operation.of(Kind.BRIEF_LOCK, table, sql).withColumn(column);
            }
            return Operation.of(Kind.UNCLASSIFIED, table, sql);
        }
        if ((m = MODIFY_COLUMN.matcher(action)).matches()) {
            ColumnDefinition definition = ColumnDefinition.parse(m.group(1) + " " + m.group(2));
            return modify(table, SqlText.name(m.group(1)), definition, sql);
        }
        if ((m = CHANGE_COLUMN.matcher(action)).matches()) {
            String from = SqlText.name(m.group(1));
            String to = SqlText.name(m.group(2));
            if (!from.equals(to)) {
                return Operation.of(Kind.RENAME_COLUMN, table, sql).withColumn(from).withName(to);
            }
            return modify(table, from, ColumnDefinition.parse(m.group(2) + " " + m.group(3)), sql);
        }
        if ((m = VALIDATE.matcher(action)).matches()) {
            return Operation.of(Kind.VALIDATE_CONSTRAINT, table, sql).withName(SqlText.name(m.group(1)));
        }
        if (DROP_CONSTRAINT.matcher(action).matches()) {
            return Operation.of(Kind.BRIEF_LOCK, table, sql);
        }
        if ((m = DROP_COLUMN.matcher(action)).matches()) {
            return Operation.of(Kind.DROP_COLUMN, table, sql).withColumn(SqlText.name(m.group(1)));
        }
        if (BRIEF_TABLE_CHANGE.matcher(action).matches()) {
            return Operation.of(Kind.BRIEF_LOCK, table, sql);
        }
        return Operation.of(Kind.UNCLASSIFIED, table, sql);
    }

    private static Operation modify(String table, String column, ColumnDefinition definition, String sql) {
        if (definition == null) {
            return Operation.of(Kind.UNCLASSIFIED, table, sql);
        }
        // MySQL MODIFY/CHANGE restates the whole column: a type change whenever the type differs
        return Operation.of(Kind.ALTER_COLUMN_TYPE, table, sql).withColumn(column).withType(definition.type())
                .withFlag(Operation.NOT_NULL, definition.notNull());
    }

    private static Operation addConstraint(String table, String name, String keyword, String rest, String sql) {
        boolean notValid = SqlText.mask(rest).toUpperCase(Locale.ROOT).matches(".*\\bNOT\\s+VALID\\b.*");
        if (keyword.startsWith("FOREIGN")) {
            Matcher references = Pattern.compile("\\bREFERENCES\\s+(" + QNAME + ")", FLAGS).matcher(rest);
            return Operation.of(Kind.ADD_FOREIGN_KEY, table, sql).withName(name)
                    .withExpression(references.find() ? SqlText.name(references.group(1)) : null)
                    .withFlag(Operation.NOT_VALID, notValid);
        }
        if (keyword.equals("CHECK")) {
            String condition = SqlText.parenthesised(rest, 0);
            return Operation.of(Kind.ADD_CHECK, table, sql).withName(name)
                    .withExpression(condition == null ? null : SqlText.collapse(condition))
                    .withFlag(Operation.NOT_VALID, notValid);
        }
        boolean usingIndex = rest.matches("(?is)\\s*USING\\s+INDEX\\s+(?!TABLESPACE\\b)" + IDENT + ".*");
        return Operation.of(keyword.startsWith("PRIMARY") ? Kind.ADD_PRIMARY_KEY : Kind.ADD_UNIQUE, table, sql)
                .withName(name).withFlag(Operation.USING_INDEX, usingIndex);
    }

    private static String unquote(String value) {
        String v = value.trim();
        if (v.length() >= 2 && (v.startsWith("'") && v.endsWith("'") || v.startsWith("\"") && v.endsWith("\""))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
