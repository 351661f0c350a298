package io.github.expandcontract.lint.sql;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the database does with column types: which type changes rewrite the table, which
 * defaults are computed per row.
 */
public final class ColumnTypes {

    private static final Pattern WITH_LENGTH = Pattern.compile("([a-z ]+?)\\s*(?:\\((\\d+)(?:,(\\d+))?\\))?");
    /** Functions whose value differs per row: a column added with one as default is written into every row. */
    private static final Set<String> VOLATILE = Set.of("random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc",
            "uuid_generate_v4", "uuidv4", "uuidv7", "clock_timestamp", "timeofday", "nextval", "txid_current", "uuid", "rand",
            "sys_guid", "newid");
    private static final Pattern FUNCTION_CALL = Pattern.compile("([a-z_][a-z0-9_]*)\\s*\\(");

    private ColumnTypes() {
    }

    /** A type as the database names it: {@code character varying(20)} and {@code VARCHAR(20)} are both {@code varchar(20)}. */
    public static String normalize(String type) {
        String t = SqlText.collapse(type).toLowerCase(Locale.ROOT).replace("\"", "").replace("`", "")
                .replaceAll("\\s*\\(\\s*", "(").replaceAll("\\s*,\\s*", ",").replaceAll("\\s*\\)", ")");
        t = t.replaceAll("^pg_catalog\\.", "");
        t = t.replaceAll("^character varying", "varchar").replaceAll("^varchar2", "varchar")
                .replaceAll("^timestamp(\\(\\d\\))? without time zone", "timestamp$1")
                .replaceAll("^timestamp(\\(\\d\\))? with time zone", "timestamptz$1")
                .replaceAll("^time(\\(\\d\\))? without time zone", "time$1")
                .replaceAll("^decimal", "numeric")
                .replaceAll("^bit varying", "varbit");
        return switch (t) {
            case "int", "int4" -> "integer";
            case "int8" -> "bigint";
            case "int2" -> "smallint";
            case "bool" -> "boolean";
            case "float8", "double" -> "double precision";
            case "float4" -> "real";
            default -> t;
        };
    }

    /**
     * Whether changing a column from {@code oldType} to {@code newType} rewrites the table (on
     * MySQL: copies it). Non-rewriting on PostgreSQL: the same type, widening a varchar or varbit,
     * varchar to text or unbounded varchar, widening a numeric's precision at the same scale,
     * removing a numeric's limits, cidr to inet. On MySQL (InnoDB, utf8mb4): widening a varchar
     * while its length prefix stays one byte (up to 63 characters) or stays two (64 and more).
     */
    public static boolean rewrites(String oldType, String newType, Dialect dialect) {
        String from = normalize(oldType);
        String to = normalize(newType);
        if (from.equals(to)) {
            return false;
        }
        Matcher f = WITH_LENGTH.matcher(from);
        Matcher t = WITH_LENGTH.matcher(to);
        if (!f.matches() || !t.matches()) {
            return true;
        }
        String fromBase = f.group(1).trim();
        String toBase = t.group(1).trim();
        Integer fromLength = f.group(2) == null ? null : Integer.valueOf(f.group(2));
        Integer toLength = t.group(2) == null ? null : Integer.valueOf(t.group(2));
        if (dialect == Dialect.MYSQL) {
            return !(fromBase.equals("varchar") && toBase.equals("varchar") && fromLength != null && toLength != null
                    && toLength >= fromLength && (toLength <= 63 || fromLength >= 64));
        }
        boolean textual = fromBase.equals("varchar") || fromBase.equals("text");
        if (textual && (toBase.equals("text") || toBase.equals("varchar") && toLength == null)) {
            return false;
        }
        if ((fromBase.equals("varchar") && toBase.equals("varchar") || fromBase.equals("varbit") && toBase.equals("varbit"))
                && fromLength != null && toLength != null) {
            return toLength < fromLength;
        }
        if (fromBase.equals("numeric") && toBase.equals("numeric")) {
            if (toLength == null) {
                return false;
            }
            int fromScale = f.group(3) == null ? 0 : Integer.parseInt(f.group(3));
            int toScale = t.group(3) == null ? 0 : Integer.parseInt(t.group(3));
            return fromLength == null || toLength < fromLength || toScale != fromScale;
        }
        return !(fromBase.equals("cidr") && toBase.equals("inet"));
    }

    /** Whether a default expression is computed per row (volatile), so adding a column with it rewrites the table. */
    public static boolean isVolatileDefault(String expression) {
        Matcher call = FUNCTION_CALL.matcher(expression.toLowerCase(Locale.ROOT));
        while (call.find()) {
            String function = call.group(1);
            if (VOLATILE.contains(function)) {
                return true;
            }
        }
        return false;
    }
}
