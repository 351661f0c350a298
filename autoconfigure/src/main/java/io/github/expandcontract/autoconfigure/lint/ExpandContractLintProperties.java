package io.github.expandcontract.autoconfigure.lint;

import io.github.expandcontract.lint.LintOptions;
import io.github.expandcontract.lint.sql.Dialect;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the migration linter at startup, prefix {@code expand-contract.lint}.
 */
@ConfigurationProperties("expand-contract.lint")
public class ExpandContractLintProperties {

    /**
     * Whether to lint the Liquibase changelog before Liquibase runs it: fail (startup fails on an
     * error-level finding), warn (findings are logged, startup goes on) or off.
     */
    private OnStartup onStartup = OnStartup.OFF;

    /**
     * The database whose locking rules apply: postgresql, mysql or mariadb.
     */
    private String database = "postgresql";

    /**
     * The PostgreSQL major version assumed: before 11 every default added with a column rewrites
     * the table.
     */
    private int postgresVersion = LintOptions.DEFAULT_POSTGRES_VERSION;

    public OnStartup getOnStartup() {
        return this.onStartup;
    }

    public void setOnStartup(OnStartup onStartup) {
        this.onStartup = onStartup;
    }

    public String getDatabase() {
        return this.database;
    }

    public void setDatabase(String database) {
        this.database = database;
    }

    public int getPostgresVersion() {
        return this.postgresVersion;
    }

    public void setPostgresVersion(int postgresVersion) {
        this.postgresVersion = postgresVersion;
    }

    LintOptions toOptions() {
        try {
            return new LintOptions(Dialect.parse(this.database), this.postgresVersion);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expand-contract.lint.database: " + e.getMessage(), e);
        }
    }

    /** What the startup lint does with its findings. */
    public enum OnStartup {
        /** Startup fails when a changelog has an error-level finding; warnings are logged. */
        FAIL,
        /** Findings are logged as warnings; startup goes on. */
        WARN,
        /** No lint at startup. */
        OFF
    }
}
