package io.github.expandcontract.autoconfigure;

import io.github.expandcontract.migration.MigrationConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.util.StringUtils;

/**
 * Turns a {@link MigrationConfigurationException} into Spring Boot's startup failure report:
 * what is wrong with which migration, entity and field, and how to fix it.
 */
class MigrationConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<MigrationConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MigrationConfigurationException cause) {
        // a configured id that no entity declares has no entity or field to name
        String where = cause.getEntity() == null ? "" : " on entity %s, field %s".formatted(cause.getEntity(), cause.getField());
        String description = "Migration '%s'%s: %s".formatted(cause.getMigration(), where, cause.getProblem());
        return new FailureAnalysis(description, StringUtils.capitalize(cause.getFix()), cause);
    }
}
