package io.github.expandcontract.lint.sql;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A column definition as written in CREATE TABLE, ADD COLUMN or MySQL's MODIFY: name, type, NOT NULL, default. */
record ColumnDefinition(String name, String type, boolean notNull, String defaultExpression, boolean perRowValue) {

    private static final Pattern NAME_AND_REST = Pattern.compile("(\"[^\"]+\"|`[^`]+`|[\\p{L}_][\\p{L}\\p{N}_$]*)\\s+(.+)", Pattern.DOTALL);
    /** Where the type ends: the first constraint or option keyword at the top level. */
    private static final Pattern AFTER_TYPE = Pattern.compile(
            "\\s(?:NOT\\s+NULL|NULL|DEFAULT|CONSTRAINT|PRIMARY\\s+KEY|UNIQUE|CHECK|REFERENCES|GENERATED|COLLATE|AUTO_INCREMENT"
                    + "|COMMENT|FIRST|AFTER|ON\\s+UPDATE|AS|STORAGE|COMPRESSION|CHARACTER\\s+SET|CHARSET|INVISIBLE|VISIBLE)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DEFAULT = Pattern.compile(
            "\\sDEFAULT\\s+(.+?)(?=\\s(?:NOT\\s+NULL|NULL|CONSTRAINT|PRIMARY\\s+KEY|UNIQUE|CHECK|REFERENCES|GENERATED|COLLATE|COMMENT|ON\\s+UPDATE|FIRST|AFTER)\\b|$)",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern SERIAL = Pattern.compile("(?:small|big)?serial[248]?", Pattern.CASE_INSENSITIVE);

    static ColumnDefinition parse(String definition) {
        Matcher m = NAME_AND_REST.matcher(definition.trim());
        if (!m.matches()) {
            return null;
        }
        String rest = " " + m.group(2).trim();
        String masked = SqlText.mask(rest);
        Matcher end = AFTER_TYPE.matcher(masked);
        String type = (end.find() ? rest.substring(0, end.start()) : rest).trim();
        String upper = masked.toUpperCase(Locale.ROOT);
        boolean notNull = upper.matches("(?s).*\\s(?:NOT\\s+NULL|PRIMARY\\s+KEY)\\b.*");
        Matcher defaultMatcher = DEFAULT.matcher(masked);
        String defaultExpression = null;
        if (defaultMatcher.find()) {
            defaultExpression = rest.substring(defaultMatcher.start(1), defaultMatcher.end(1)).trim();
            if (defaultExpression.equalsIgnoreCase("NULL")) {
                defaultExpression = null;
            }
        }
        boolean perRow = SERIAL.matcher(type).matches()
                || upper.matches("(?s).*\\sGENERATED\\b.*\\b(?:IDENTITY|STORED)\\b.*")
                || upper.matches("(?s).*\\sAUTO_INCREMENT\\b.*");
        return new ColumnDefinition(SqlText.name(m.group(1)), type, notNull, defaultExpression, perRow);
    }

    Operation toAddColumn(String table, String sql) {
        return Operation.of(Operation.Kind.ADD_COLUMN, table, sql).withColumn(name).withType(type)
                .withExpression(defaultExpression)
                .withFlag(Operation.NOT_NULL, notNull)
                .withFlag(Operation.PER_ROW_VALUE, perRowValue);
    }
}
