package io.github.expandcontract.migration;

/**
 * A migration is declared or configured wrongly; thrown while the application starts so that it
 * never runs half-working. The message names the entity, the field, the migration and the fix.
 */
public class MigrationConfigurationException extends RuntimeException {

    private final String migration;
    private final String entity;
    private final String field;
    private final String problem;
    private final String fix;

    public MigrationConfigurationException(String migration, String entity, String field, String problem, String fix) {
        super(format(migration, entity, field, problem, fix));
        this.migration = migration;
        this.entity = entity;
        this.field = field;
        this.problem = problem;
        this.fix = fix;
    }

    private static String format(String migration, String entity, String field, String problem, String fix) {
        // a configured id that no entity declares has no entity or field to name
        String where = entity == null ? "" : " (entity " + entity + ", field " + field + ")";
        return "expand-contract migration '" + migration + "'" + where + ": " + problem + " Fix: " + fix;
    }

    public String getMigration() {
        return migration;
    }

    /** The entity's class name, or {@code null} when the problem is a configured id no entity declares. */
    public String getEntity() {
        return entity;
    }

    /** The {@code @DualWrite} field, or {@code null} when the problem is a configured id no entity declares. */
    public String getField() {
        return field;
    }

    /** What is wrong, without the fix. */
    public String getProblem() {
        return problem;
    }

    /** What the user should do. */
    public String getFix() {
        return fix;
    }
}
