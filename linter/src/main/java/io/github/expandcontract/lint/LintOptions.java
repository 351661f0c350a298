package io.github.expandcontract.lint;

import io.github.expandcontract.lint.sql.Dialect;

/**
 * What the linter assumes about the database the changelogs run on.
 *
 * @param dialect PostgreSQL (default) or MySQL/MariaDB
 * @param postgresVersion the PostgreSQL major version: below 11 every default added with a column
 *        rewrites the table; from 12 a validated {@code CHECK (col IS NOT NULL)} lets
 *        {@code SET NOT NULL} skip its scan. Default 12.
 */
public record LintOptions(Dialect dialect, int postgresVersion) {

    public static final int DEFAULT_POSTGRES_VERSION = 12;

    public static LintOptions defaults() {
        return new LintOptions(Dialect.POSTGRESQL, DEFAULT_POSTGRES_VERSION);
    }

    public LintOptions withDialect(Dialect dialect) {
        return new LintOptions(dialect, this.postgresVersion);
    }

    public LintOptions withPostgresVersion(int postgresVersion) {
        return new LintOptions(this.dialect, postgresVersion);
    }
}
