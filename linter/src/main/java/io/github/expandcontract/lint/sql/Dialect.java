package io.github.expandcontract.lint.sql;

import java.util.Locale;

/** The database whose locking rules apply. */
public enum Dialect {
    POSTGRESQL,
    /** MySQL 8 and MariaDB with InnoDB. */
    MYSQL;

    /** {@code postgresql} (or {@code postgres}), {@code mysql} or {@code mariadb}, any case. */
    public static Dialect parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "postgresql", "postgres", "pg" -> POSTGRESQL;
            case "mysql", "mariadb" -> MYSQL;
            default -> throw new IllegalArgumentException("unknown database '" + value + "': use postgresql, mysql or mariadb");
        };
    }
}
