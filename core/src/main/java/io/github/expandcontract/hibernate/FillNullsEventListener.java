package io.github.expandcontract.hibernate;

import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.observe.MigrationObserver;
import io.github.expandcontract.phase.Phase;
import org.hibernate.engine.spi.EntityEntry;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.Status;
import org.hibernate.event.spi.FlushEntityEvent;
import org.hibernate.event.spi.FlushEntityEventListener;
import org.hibernate.event.spi.PreInsertEvent;
import org.hibernate.event.spi.PreInsertEventListener;
import org.hibernate.event.spi.PreLoadEvent;
import org.hibernate.event.spi.PreLoadEventListener;
import org.hibernate.event.spi.PreUpdateEvent;
import org.hibernate.event.spi.PreUpdateEventListener;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.type.Type;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Hibernate hooks of {@code @FillNulls} migrations: from {@code dual-write} on, an INSERT or
 * UPDATE never writes NULL to the column, it writes the migration's value, and the entity's field
 * shows it.
 * <ul>
 *   <li>FlushEntity (prepended, before Hibernate's dirty check): a field the application set to
 *       NULL becomes the value on the entity, so the dirty check (also {@code @DynamicUpdate})
 *       writes the value.</li>
 *   <li>PreInsert: a NULL in the insert state becomes the value (state and entity), which also
 *       covers {@code @DynamicInsert}, cascades, merge of new instances and
 *       {@code StatelessSession.insert}.</li>
 *   <li>PreUpdate: an UPDATE that writes every column (no {@code @DynamicUpdate}, or a
 *       {@code StatelessSession}) would write back the NULL a row was loaded with; it writes the
 *       value. A {@code @DynamicUpdate} UPDATE leaves an unchanged column out, so a NULL it did
 *       not write stays for the backfill.</li>
 *   <li>PreLoad in {@code read-new} and {@code contract}: a NULL loads as the value, in the entity
 *       and its snapshot (no UPDATE follows from the load alone).</li>
 * </ul>
 */
final class FillNullsEventListener implements PreLoadEventListener, FlushEntityEventListener, PreInsertEventListener,
        PreUpdateEventListener {

    /** One {@code @FillNulls} property as one entity persister sees it. */
    record FilledProperty(Migration migration, int index, Type type) {
        /** A copy of the value for one entity, so that a mutable value is never shared between entities. */
        Object value(SessionFactoryImplementor factory) {
            return type.deepCopy(migration.fillValue(), factory);
        }

        boolean fillsWrites() {
            return migration.phase() != Phase.EXPAND;
        }

        boolean fillsLoads() {
            return migration.phase().readsNew();
        }
    }

    /** Filled once the runtime metamodel exists; empty before, so a hook never sees half a setup. */
    private volatile Map<EntityPersister, List<FilledProperty>> propertiesByPersister = Map.of();
    private final MigrationObserver observer;

    FillNullsEventListener(MigrationObserver observer) {
        this.observer = observer;
    }

    /** Resolves each {@code @FillNulls} migration's property to its state-array position in every entity persister. */
    void bind(SessionFactoryImplementor factory, List<Migration> migrations) {
        Map<EntityPersister, List<FilledProperty>> properties = new IdentityHashMap<>();
        for (Migration migration : migrations) {
            if (!migration.fillsNulls()) {
                continue;
            }
            for (String entityName : migration.entityNames()) {
                EntityPersister persister = factory.getMappingMetamodel().getEntityDescriptor(entityName);
                int index = persister.findAttributeMapping(migration.newProperty()).getStateArrayPosition();
                properties.computeIfAbsent(persister, p -> new ArrayList<>())
                        .add(new FilledProperty(migration, index, persister.getPropertyTypes()[index]));
            }
        }
        this.propertiesByPersister = Map.copyOf(properties);
    }

    private List<FilledProperty> properties(EntityPersister persister) {
        return propertiesByPersister.getOrDefault(persister, List.of());
    }

    @Override
    public void onPreLoad(PreLoadEvent event) {
        Object[] state = event.getState();
        for (FilledProperty property : properties(event.getPersister())) {
            if (property.fillsLoads() && state[property.index()] == null) {
                state[property.index()] = property.value(event.getPersister().getFactory());
                observer.fallbackRead(property.migration().id());
            }
        }
    }

    @Override
    public void onFlushEntity(FlushEntityEvent event) {
        EntityEntry entry = event.getEntityEntry();
        if (entry.getStatus() != Status.MANAGED || entry.getLoadedState() == null) {
            return;
        }
        EntityPersister persister = entry.getPersister();
        Object entity = event.getEntity();
        for (FilledProperty property : properties(persister)) {
            // only a field set to NULL: a NULL the row was loaded with must not turn a clean entity dirty
            if (property.fillsWrites() && persister.getValue(entity, property.index()) == null
                    && entry.getLoadedState()[property.index()] != null) {
                DualWriteEventListener.setIfDifferent(persister, entity, property.index(), null,
                        property.value(persister.getFactory()), property.migration().newProperty());
            }
        }
    }

    @Override
    public boolean onPreInsert(PreInsertEvent event) {
        fillState(event.getPersister(), event.getEntity(), event.getState());
        return false;
    }

    @Override
    public boolean onPreUpdate(PreUpdateEvent event) {
        EntityPersister persister = event.getPersister();
        if (!persister.isDynamicUpdate() || event.getOldState() == null) {
            fillState(persister, event.getEntity(), event.getState());
        }
        return false;
    }

    /**
     * Writes the value instead of NULL, in the state the statement binds and in the entity. The
     * entity is only changed while it still holds NULL: with a sequence id, the insert runs at
     * flush time and the application may have changed the entity since {@code persist()}.
     */
    private void fillState(EntityPersister persister, Object entity, Object[] state) {
        for (FilledProperty property : properties(persister)) {
            int index = property.index();
            if (property.fillsWrites() && state[index] == null) {
                Object value = property.value(persister.getFactory());
                state[index] = value;
                if (persister.getValue(entity, index) == null) {
                    persister.setValue(entity, index, value);
                }
                observer.dualWrite(property.migration().id());
            }
        }
    }
}
