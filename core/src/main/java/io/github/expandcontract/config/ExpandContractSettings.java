package io.github.expandcontract.config;

import io.github.expandcontract.phase.Phase;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The configured phase of every migration. A migration without an entry runs in
 * {@link Phase#EXPAND}, the phase that changes nothing an old deployment would not do.
 * <p>
 * Spring Boot users get an instance bound from {@code expand-contract.*}; plain Hibernate users
 * can build one from the same keys with {@link #fromProperties(Map)}.
 */
public final class ExpandContractSettings {

    /** Prefix of the per-migration keys: {@code expand-contract.migrations.<id>.phase}. */
    public static final String MIGRATIONS_PREFIX = "expand-contract.migrations.";

    /** Key of the state-table setting: {@code always} (default) or {@code never}. */
    public static final String INITIALIZE_SCHEMA = "expand-contract.jdbc.initialize-schema";

    private final Map<String, Phase> phases;
    private final boolean initializeSchema;

    public ExpandContractSettings(Map<String, Phase> phases) {
        this(phases, true);
    }

    /**
     * @param initializeSchema whether the library creates its state table when it is missing
     */
    public ExpandContractSettings(Map<String, Phase> phases, boolean initializeSchema) {
        this.phases = Collections.unmodifiableMap(new LinkedHashMap<>(phases));
        this.initializeSchema = initializeSchema;
    }

    public static ExpandContractSettings allExpand() {
        return new ExpandContractSettings(Map.of());
    }

    /**
     * Reads {@code expand-contract.migrations.<id>.phase} keys from a property map (for example
     * the Hibernate settings of a plain, non-Spring application).
     *
     * @throws IllegalArgumentException for an unknown phase, naming the key and the valid phases
     */
    public static ExpandContractSettings fromProperties(Map<?, ?> properties) {
        Map<String, Phase> phases = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : properties.entrySet()) {
            String key = String.valueOf(entry.getKey());
            if (key.startsWith(MIGRATIONS_PREFIX) && key.endsWith(".phase")) {
                String id = key.substring(MIGRATIONS_PREFIX.length(), key.length() - ".phase".length());
                try {
                    phases.put(id, Phase.parse(String.valueOf(entry.getValue())));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
                }
            }
        }
        Object initialize = properties.get(INITIALIZE_SCHEMA);
        boolean initializeSchema = initialize == null || !"never".equalsIgnoreCase(String.valueOf(initialize).trim());
        return new ExpandContractSettings(phases, initializeSchema);
    }

    public Phase phaseOf(String migrationId) {
        return phases.getOrDefault(migrationId, Phase.EXPAND);
    }

    public boolean initializeSchema() {
        return initializeSchema;
    }

    /** Migration ids that have an explicit phase in configuration. */
    public Set<String> configuredMigrations() {
        return phases.keySet();
    }
}
