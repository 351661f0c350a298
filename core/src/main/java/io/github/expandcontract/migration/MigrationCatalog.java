package io.github.expandcontract.migration;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The migrations declared by one persistence unit, by id, in discovery order. */
public final class MigrationCatalog {

    private final Map<String, Migration> migrations;

    public MigrationCatalog(Collection<Migration> migrations) {
        Map<String, Migration> byId = new LinkedHashMap<>();
        migrations.forEach(m -> byId.put(m.id(), m));
        this.migrations = Collections.unmodifiableMap(byId);
    }

    public Collection<Migration> all() {
        return migrations.values();
    }

    public Optional<Migration> find(String id) {
        return Optional.ofNullable(migrations.get(id));
    }
}
