package io.github.expandcontract.actuate;

import io.github.expandcontract.backfill.BackfillCoordinator;
import io.github.expandcontract.backfill.OperationRefusedException;
import io.github.expandcontract.fleet.InstanceRegistry;
import io.github.expandcontract.fleet.LiveInstance;
import io.github.expandcontract.fleet.RolloutSettings;
import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.migration.MigrationCatalog;
import io.github.expandcontract.verify.VerificationResult;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@code expandcontract} endpoint: every migration the application declares, with its phase
 * on this instance, the shared backfill and verification state, and the live instances; and the
 * operator's actions {@code pause}, {@code resume}, {@code verify}, {@code restart}, {@code restart-reverse};
 * and what the rolling-deploy rules say now ({@code fleet}, {@code overrides}).
 * <p>
 * Its default access is read-only: the actions need
 * {@code management.endpoint.expandcontract.access=unrestricted}. Over HTTP,
 * {@link ExpandContractEndpointWebExtension} answers the actions with their status codes.
 */
@Endpoint(id = "expandcontract", defaultAccess = Access.READ_ONLY)
public class ExpandContractEndpoint {

    /** How long {@code verify} waits for the result before answering that it still runs. */
    public static final Duration DEFAULT_VERIFY_WAIT = Duration.ofSeconds(10);

    private final Supplier<MigrationCatalog> catalog;
    private final BackfillCoordinator coordinator;
    private final InstanceRegistry instances;
    private final Duration verifyWait;
    private final Function<String, RolloutSettings> rollout;

    public ExpandContractEndpoint(Supplier<MigrationCatalog> catalog, BackfillCoordinator coordinator, InstanceRegistry instances,
                                  Duration verifyWait) {
        this(catalog, coordinator, instances, verifyWait, id -> RolloutSettings.DEFAULTS);
    }

    /** @param rollout each migration's rolling-deploy rules on this instance (bake-in, reverse backfill) */
    public ExpandContractEndpoint(Supplier<MigrationCatalog> catalog, BackfillCoordinator coordinator, InstanceRegistry instances,
                                  Duration verifyWait, Function<String, RolloutSettings> rollout) {
        this.catalog = catalog;
        this.coordinator = coordinator;
        this.instances = instances;
        this.verifyWait = verifyWait;
        this.rollout = rollout;
    }

    /** Every migration, in declaration order. */
    @ReadOperation
    public MigrationsDescriptor migrations() {
        MigrationCatalog migrations = catalog.get();
        if (migrations.all().isEmpty()) {
            return new MigrationsDescriptor(List.of()); // the state tables may not even exist then
        }
        Map<String, List<LiveInstance>> live = instances.liveInstances();
        return new MigrationsDescriptor(migrations.all().stream()
                .map(m -> report(m, live.getOrDefault(m.id(), List.of()))).toList());
    }

    /** One migration, or {@code null} (404 over HTTP) when the application declares no such id. */
    @ReadOperation
    public @Nullable MigrationReport migration(@Selector String migration) {
        return catalog.get().find(migration).map(m -> report(m, instances.liveInstances(m.id()))).orElse(null);
    }

    /**
     * Runs an action. Over JMX, an unknown migration or action is an
     * {@link InvalidEndpointRequestException} and a refused one an {@link IllegalStateException}
     * with the reason; neither changes anything.
     */
    @WriteOperation
    public MigrationReport operate(@Selector String migration, @Nullable String action) {
        Outcome outcome = perform(migration, action);
        if (outcome instanceof Outcome.Done done) {
            return done.report();
        }
        if (outcome instanceof Outcome.Refused refused) {
            throw new IllegalStateException(refused.message());
        }
        if (outcome instanceof Outcome.Failed failed) {
            throw new IllegalStateException(failed.message());
        }
        throw new InvalidEndpointRequestException(outcome.message(), outcome.message());
    }

    private MigrationReport report(Migration migration, List<LiveInstance> live) {
        String id = migration.id();
        return MigrationReport.of(migration, new MigrationReport.State(coordinator.progress(id), coordinator.verification(id),
                coordinator.reverseProgress(id), coordinator.reverseVerification(id), live,
                instances.decision(migration, rollout.apply(id)), instances.overrides(id, 10)), instances.instanceId());
    }

    /** Validates the request, then runs it; an invalid or refused request changes nothing. */
    Outcome perform(String id, @Nullable String actionName) {
        Migration migration = catalog.get().find(id).orElse(null);
        if (migration == null) {
            return new Outcome.UnknownMigration(id, catalog.get().all().stream().map(Migration::id).toList());
        }
        Action action = Action.parse(actionName);
        if (action == null) {
            return new Outcome.InvalidAction(id, actionName);
        }
        try {
            boolean complete = true;
            switch (action) {
                case PAUSE -> coordinator.pause(id);
                case RESUME -> coordinator.resume(id);
                case RESTART -> coordinator.restart(id);
                case RESTART_REVERSE -> coordinator.restartReverse(id);
                case VERIFY -> complete = awaitVerification(coordinator.verify(id));
            }
            return new Outcome.Done(report(migration, instances.liveInstances(id)), complete);
        } catch (OperationRefusedException e) {
            return new Outcome.Refused(e.getMessage());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new Outcome.Failed("migration '" + id + "': verify failed: " + cause.getMessage());
        }
    }

    private boolean awaitVerification(CompletableFuture<VerificationResult> verification) throws ExecutionException {
        try {
            verification.get(verifyWait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false; // still running: the report shows RUNNING, GET shows the result later
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Every migration the application declares. */
    public record MigrationsDescriptor(List<MigrationReport> migrations) {
    }

    /** The actions of {@code POST /actuator/expandcontract/{migration}}, sent as {@code {"action": "pause"}}. */
    enum Action {
        PAUSE, RESUME, VERIFY, RESTART, RESTART_REVERSE;

        static final List<String> NAMES = Arrays.stream(values()).map(Action::actionName).toList();

        String actionName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static @Nullable Action parse(@Nullable String name) {
            for (Action action : values()) {
                if (name != null && action.actionName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return action;
                }
            }
            return null;
        }
    }

    /** What became of an action request. */
    sealed interface Outcome {

        String message();

        /** Done; {@code complete} is false for a verification still running when the wait ended. */
        record Done(MigrationReport report, boolean complete) implements Outcome {
            @Override
            public String message() {
                return complete ? "done" : "verification still running";
            }
        }

        record UnknownMigration(String id, List<String> known) implements Outcome {
            @Override
            public String message() {
                return "No migration '" + id + "'; the application declares " + (known.isEmpty() ? "none" : String.join(", ", known));
            }
        }

        record InvalidAction(String id, @Nullable String given) implements Outcome {
            @Override
            public String message() {
                return (given == null ? "Missing action" : "Unknown action '" + given + "'") + " for migration '" + id
                        + "'; send {\"action\": ...} with one of " + String.join(", ", Action.NAMES);
            }
        }

        record Refused(String message) implements Outcome {
        }

        record Failed(String message) implements Outcome {
        }
    }
}
