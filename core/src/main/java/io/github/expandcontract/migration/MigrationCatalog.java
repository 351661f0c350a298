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

    /** This catalog plus {@code more} (several persistence units); a later migration of the same id replaces the earlier. */
    public MigrationCatalog with(Collection<Migration> more) {
        Map<String, Migration> merged = new LinkedHashMap<>(migrations);
        more.forEach(m -> merged.put(m.id(), m));
        return new MigrationCatalog(merged.values());
    }

    public Collection<Migration> all() {
        return migrations.values();
    }

    public Optional<Migration> find(String id) {
        return Optional.ofNullable(migrations.get(id));
    }
}
