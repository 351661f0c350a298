package io.github.expandcontract.hibernate;

import io.github.expandcontract.observe.MigrationObserver;
import org.hibernate.engine.spi.EntityEntry;
import org.hibernate.engine.spi.SelfDirtinessTracker;
import org.hibernate.engine.spi.Status;
import org.hibernate.event.spi.FlushEntityEvent;
import org.hibernate.event.spi.FlushEntityEventListener;
import org.hibernate.event.spi.PostInsertEvent;
import org.hibernate.event.spi.PostInsertEventListener;
import org.hibernate.event.spi.PostUpdateEvent;
import org.hibernate.event.spi.PostUpdateEventListener;
import org.hibernate.event.spi.PreInsertEvent;
import org.hibernate.event.spi.PreInsertEventListener;
import org.hibernate.event.spi.PreLoadEvent;
import org.hibernate.event.spi.PreLoadEventListener;
import org.hibernate.event.spi.PreUpdateEvent;
import org.hibernate.event.spi.PreUpdateEventListener;
import org.hibernate.persister.entity.EntityPersister;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Hibernate hooks of the engine. None of them touches the session's single interceptor slot,
 * so an application's own {@code Interceptor} keeps working unchanged.
 * <ul>
 *   <li>PreLoad: both fields show the phase's authoritative value; changing the state array here
 *       changes the entity and the loaded snapshot together, so a plain read stays clean.</li>
 *   <li>FlushEntity (prepended, runs before Hibernate's dirty check): copies the field the
 *       application changed to the other one on the entity itself, so the dirty check sees both
 *       columns change, which is what makes {@code @DynamicUpdate} write both.</li>
 *   <li>PreInsert: the same copy on the insert state (and the entity).</li>
 *   <li>PreUpdate: a safety net for changes made after our flush hook ({@code @PreUpdate}
 *       callbacks, interceptors) and the only hook a {@code StatelessSession} update fires.</li>
 *   <li>PostInsert, PostUpdate: report the dual writes that reached the database to the
 *       {@link MigrationObserver}.</li>
 * </ul>
 * Which columns reach the SQL at all is decided by the mapping (see {@link ExpandContractIntegrator}).
 */
final class DualWriteEventListener implements PreLoadEventListener, FlushEntityEventListener,
        PreInsertEventListener, PreUpdateEventListener, PostInsertEventListener, PostUpdateEventListener {

    private static final Logger log = LoggerFactory.getLogger(DualWriteEventListener.class);

    /** Filled once the runtime metamodel exists; empty before, so a hook never sees half a setup. */
    private volatile Map<EntityPersister, List<PropertyPair>> pairsByPersister = Map.of();
    private final Set<String> statelessWarned = ConcurrentHashMap.newKeySet();
    private final MigrationObserver observer;

    DualWriteEventListener(MigrationObserver observer) {
        this.observer = observer;
    }

    void bind(Map<EntityPersister, List<PropertyPair>> pairs) {
        this.pairsByPersister = Map.copyOf(pairs);
    }

    private List<PropertyPair> pairs(EntityPersister persister) {
        return pairsByPersister.get(persister);
    }

    @Override
    public void onPreLoad(PreLoadEvent event) {
        List<PropertyPair> pairs = pairs(event.getPersister());
        if (pairs == null) {
            return;
        }
        Object[] state = event.getState();
        for (PropertyPair pair : pairs) {
            Object oldValue = state[pair.oldIndex];
            Object newValue = state[pair.newIndex];
            if (!pair.migration.phase().readsNew()) {
                state[pair.newIndex] = pair.toNewForLoad(oldValue, event.getId());
            } else if (newValue != null) {
                state[pair.oldIndex] = pair.toOld(newValue, event.getId());
            } else if (pair.fallsBackToOld()) {
                state[pair.newIndex] = pair.toNewForLoad(oldValue, event.getId());
                if (oldValue != null) {
                    observer.fallbackRead(pair.migration.id());
                }
            } else {
                // contract (and read-new on the way back from it) reads new only: a NULL new column is NULL,
                // whatever the stale old column holds
                state[pair.oldIndex] = null;
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
        List<PropertyPair> pairs = pairs(persister);
        if (pairs == null) {
            return;
        }
        Object entity = event.getEntity();
        Object[] loaded = entry.getLoadedState();
        for (PropertyPair pair : pairs) {
            Object oldValue = persister.getValue(entity, pair.oldIndex);
            Object newValue = persister.getValue(entity, pair.newIndex);
            Object[] resolved = pair.reconcile(entry.getId(), oldValue, newValue,
                    !pair.oldEquals(oldValue, loaded[pair.oldIndex]), !pair.newEquals(newValue, loaded[pair.newIndex]));
            if (resolved != null) {
                setIfDifferent(persister, entity, pair.oldIndex, oldValue, resolved[0], pair.migration.oldProperty());
                setIfDifferent(persister, entity, pair.newIndex, newValue, resolved[1], pair.migration.newProperty());
            }
        }
    }

    static void setIfDifferent(EntityPersister persister, Object entity, int index, Object current, Object value, String property) {
        if (current != value) {
            persister.setValue(entity, index, value);
            // an enhanced entity's dirty set comes from its tracker, which setValue does not update
            if (entity instanceof SelfDirtinessTracker tracker) {
                tracker.$$_hibernate_trackChange(property);
            }
        }
    }

    @Override
    public boolean onPreInsert(PreInsertEvent event) {
        List<PropertyPair> pairs = pairs(event.getPersister());
        if (pairs == null) {
            return false;
        }
        Object[] state = event.getState();
        for (PropertyPair pair : pairs) {
            Object oldValue = state[pair.oldIndex];
            Object newValue = state[pair.newIndex];
            Object[] resolved = pair.reconcile(event.getId(), oldValue, newValue, oldValue != null, newValue != null);
            if (resolved != null) {
                applyToState(event.getPersister(), event.getEntity(), state, pair.oldIndex, resolved[0]);
                applyToState(event.getPersister(), event.getEntity(), state, pair.newIndex, resolved[1]);
            }
        }
        return false;
    }

    @Override
    public boolean onPreUpdate(PreUpdateEvent event) {
        List<PropertyPair> pairs = pairs(event.getPersister());
        if (pairs == null) {
            return false;
        }
        Object[] state = event.getState();
        Object[] previous = event.getOldState();
        for (PropertyPair pair : pairs) {
            Object oldValue = state[pair.oldIndex];
            Object newValue = state[pair.newIndex];
            if (pair.inSync(oldValue, newValue)) {
                continue; // already in sync: the usual case, since the flush hook ran first
            }
            if (pair.wroteNullFor(oldValue, newValue)) {
                // the write-null outcome, which the flush hook made and counted; a StatelessSession has no flush hook
                if (previous == null) {
                    pair.toNewForWrite(oldValue, event.getId());
                }
                continue;
            }
            boolean oldChanged = true;
            boolean newChanged = true;
            if (previous != null) {
                oldChanged = !pair.oldEquals(oldValue, previous[pair.oldIndex]);
                newChanged = !pair.newEquals(newValue, previous[pair.newIndex]);
            } else if (statelessWarned.add(pair.migration.id())) {
                log.warn("expand-contract migration '{}': a StatelessSession update of {} cannot tell which field changed; "
                                + "the field phase {} reads from wins. StatelessSession loads skip the read fallback too "
                                + "(see docs/bypasses.md). Logged once per migration.",
                        pair.migration.id(), pair.migration.entity(), pair.migration.phase().configName());
            }
            Object[] resolved = pair.reconcile(event.getId(), oldValue, newValue, oldChanged, newChanged);
            if (resolved != null) {
                applyToState(event.getPersister(), event.getEntity(), state, pair.oldIndex, resolved[0]);
                applyToState(event.getPersister(), event.getEntity(), state, pair.newIndex, resolved[1]);
            }
        }
        return false;
    }

    @Override
    public void onPostInsert(PostInsertEvent event) {
        List<PropertyPair> pairs = pairs(event.getPersister());
        if (pairs == null) {
            return;
        }
        for (PropertyPair pair : pairs) {
            if (pair.writesBoth()) {
                observer.dualWrite(pair.migration.id());
            }
        }
    }

    @Override
    public void onPostUpdate(PostUpdateEvent event) {
        List<PropertyPair> pairs = pairs(event.getPersister());
        if (pairs == null) {
            return;
        }
        Object[] state = event.getState();
        Object[] previous = event.getOldState();
        for (PropertyPair pair : pairs) {
            // a StatelessSession update has no previous state: it wrote both columns, changed or not
            if (pair.writesBoth() && (previous == null || !pair.oldEquals(state[pair.oldIndex], previous[pair.oldIndex])
                    || !pair.newEquals(state[pair.newIndex], previous[pair.newIndex]))) {
                observer.dualWrite(pair.migration.id());
            }
        }
    }

    /**
     * Changes the state that will be written and the entity with it. The entity is only changed
     * while it still holds the value being replaced: with a sequence id, the insert runs at flush
     * time and the application may have changed the entity since {@code persist()}.
     */
    private static void applyToState(EntityPersister persister, Object entity, Object[] state, int index, Object value) {
        Object before = state[index];
        if (before == value) {
            return;
        }
        state[index] = value;
        if (persister.getValue(entity, index) == before) {
            persister.setValue(entity, index, value);
        }
    }
}
