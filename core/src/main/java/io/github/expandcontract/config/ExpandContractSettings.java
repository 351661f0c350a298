package io.github.expandcontract.config;

import io.github.expandcontract.fleet.HeartbeatSettings;
import io.github.expandcontract.fleet.RolloutSettings;
import io.github.expandcontract.phase.Phase;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The configured phase of every migration, with its per-migration options (what a value that
 * does not convert does, the zone of zone-less times). A migration without an entry runs in
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

    /** Key of the startup round-trip check's sample size per converter migration; 0 turns the check off. */
    public static final String ROUND_TRIP_CHECK_SAMPLE_SIZE = "expand-contract.round-trip-check.sample-size";

    /** Rows the startup round-trip check reads per converter migration unless configured. */
    public static final int DEFAULT_ROUND_TRIP_SAMPLE_SIZE = 1000;

    /** Prefix of the heartbeat keys: {@code expand-contract.instances.heartbeat-interval|timeout}. */
    public static final String INSTANCES_PREFIX = "expand-contract.instances.";

    private final Map<String, Phase> phases;
    private final boolean initializeSchema;
    private final Map<String, OnConversionError> onConversionError;
    private final Map<String, ZoneId> zones;
    private final int roundTripSampleSize;
    private final Fleet fleet;

    public ExpandContractSettings(Map<String, Phase> phases) {
        this(phases, true);
    }

    /**
     * @param initializeSchema whether the library creates its state table when it is missing
     */
    public ExpandContractSettings(Map<String, Phase> phases, boolean initializeSchema) {
        this(phases, initializeSchema, Map.of(), Map.of(), DEFAULT_ROUND_TRIP_SAMPLE_SIZE,
                new Fleet(defaultInstanceId(), HeartbeatSettings.DEFAULTS, Map.of()));
    }

    private ExpandContractSettings(Map<String, Phase> phases, boolean initializeSchema,
                                   Map<String, OnConversionError> onConversionError, Map<String, ZoneId> zones,
                                   int roundTripSampleSize, Fleet fleet) {
        if (roundTripSampleSize < 0) {
            throw new IllegalArgumentException(ROUND_TRIP_CHECK_SAMPLE_SIZE + " must be 0 (off) or positive, but is " + roundTripSampleSize);
        }
        this.phases = Collections.unmodifiableMap(new LinkedHashMap<>(phases));
        this.initializeSchema = initializeSchema;
        this.onConversionError = Collections.unmodifiableMap(new LinkedHashMap<>(onConversionError));
        this.zones = Collections.unmodifiableMap(new LinkedHashMap<>(zones));
        this.roundTripSampleSize = roundTripSampleSize;
        this.fleet = fleet;
    }

    /** These settings with {@code expand-contract.migrations.<id>.on-conversion-error} set for one migration. */
    public ExpandContractSettings withOnConversionError(String migrationId, OnConversionError mode) {
        Map<String, OnConversionError> modes = new LinkedHashMap<>(onConversionError);
        modes.put(migrationId, mode);
        return new ExpandContractSettings(phases, initializeSchema, modes, zones, roundTripSampleSize, fleet);
    }

    /** These settings with {@code expand-contract.migrations.<id>.zone} set for one migration. */
    public ExpandContractSettings withZone(String migrationId, ZoneId zone) {
        Map<String, ZoneId> all = new LinkedHashMap<>(zones);
        all.put(migrationId, zone);
        return new ExpandContractSettings(phases, initializeSchema, onConversionError, all, roundTripSampleSize, fleet);
    }

    /** These settings with the startup round-trip check reading up to {@code rows} rows per converter migration (0: off). */
    public ExpandContractSettings withRoundTripSampleSize(int rows) {
        return new ExpandContractSettings(phases, initializeSchema, onConversionError, zones, rows, fleet);
    }

    /**
     * How this instance takes part in the fleet: its id (the same in the fleet table, the backfill
     * lease and the override records), the heartbeat, and each migration's rolling-deploy rules.
     *
     * @param rollout by migration id; a migration without an entry gets {@link RolloutSettings#DEFAULTS}
     */
    public record Fleet(String instanceId, HeartbeatSettings heartbeat, Map<String, RolloutSettings> rollout) {
        public Fleet {
            rollout = Map.copyOf(rollout);
        }

        public RolloutSettings rolloutOf(String migrationId) {
            return rollout.getOrDefault(migrationId, RolloutSettings.DEFAULTS);
        }
    }

    /** These settings with the given fleet settings (everything else unchanged). */
    public ExpandContractSettings withFleet(Fleet fleet) {
        return new ExpandContractSettings(phases, initializeSchema, onConversionError, zones, roundTripSampleSize, fleet);
    }

    public Fleet fleet() {
        return fleet;
    }

    /** host:pid:random — unique per process (and per settings object), readable in the state tables. */
    public static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        return host + ":" + ManagementFactory.getRuntimeMXBean().getPid() + ":" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static ExpandContractSettings allExpand() {
        return new ExpandContractSettings(Map.of());
    }

    /**
     * Reads {@code expand-contract.migrations.<id>.phase}, {@code .on-conversion-error},
     * {@code .zone}, {@code .bake-in}, {@code .force-phase} and {@code .reverse-backfill} keys, the
     * {@value #INSTANCES_PREFIX}* heartbeat keys, {@value #INITIALIZE_SCHEMA} and {@value #ROUND_TRIP_CHECK_SAMPLE_SIZE} from a
     * property map (for example the Hibernate settings of a plain, non-Spring application).
     *
     * @throws IllegalArgumentException for an invalid value, naming the key and the valid values
     */
    public static ExpandContractSettings fromProperties(Map<?, ?> properties) {
        Map<String, Phase> phases = new LinkedHashMap<>();
        Map<String, OnConversionError> modes = new LinkedHashMap<>();
        Map<String, ZoneId> zones = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : properties.entrySet()) {
            String key = String.valueOf(entry.getKey());
            String value = String.valueOf(entry.getValue());
            try {
                if (migrationKey(key, ".phase") != null) {
                    phases.put(migrationKey(key, ".phase"), Phase.parse(value));
                } else if (migrationKey(key, ".on-conversion-error") != null) {
                    modes.put(migrationKey(key, ".on-conversion-error"), OnConversionError.parse(value));
                } else if (migrationKey(key, ".zone") != null) {
                    zones.put(migrationKey(key, ".zone"), ZoneId.of(value.trim()));
                }
            } catch (IllegalArgumentException | DateTimeException e) {
                throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
            }
        }
        Object initialize = properties.get(INITIALIZE_SCHEMA);
        boolean initializeSchema = initialize == null || !"never".equalsIgnoreCase(String.valueOf(initialize).trim());
        Object sampleSize = properties.get(ROUND_TRIP_CHECK_SAMPLE_SIZE);
        int rows;
        try {
            rows = sampleSize == null ? DEFAULT_ROUND_TRIP_SAMPLE_SIZE : Integer.parseInt(String.valueOf(sampleSize).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(ROUND_TRIP_CHECK_SAMPLE_SIZE + ": '" + sampleSize + "' is not a number of rows", e);
        }
        return new ExpandContractSettings(phases, initializeSchema, modes, zones, rows, fleetFromProperties(properties));
    }

    /** The migration id of {@code expand-contract.migrations.<id><suffix>}, or null for another key. */
    private static String migrationKey(String key, String suffix) {
        return key.startsWith(MIGRATIONS_PREFIX) && key.endsWith(suffix) && key.length() > MIGRATIONS_PREFIX.length() + suffix.length()
                ? key.substring(MIGRATIONS_PREFIX.length(), key.length() - suffix.length()) : null;
    }

    /**
     * The fleet part of {@link #fromProperties}: {@code expand-contract.instances.heartbeat-interval|timeout}
     * and {@code expand-contract.migrations.<id>.bake-in|force-phase|reverse-backfill}. Durations are
     * {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d} or ISO-8601 ({@code PT1H}).
     */
    private static Fleet fleetFromProperties(Map<?, ?> properties) {
        Duration interval = HeartbeatSettings.DEFAULTS.interval();
        Duration timeout = HeartbeatSettings.DEFAULTS.timeout();
        Map<String, RolloutSettings> rollout = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : properties.entrySet()) {
            String key = String.valueOf(entry.getKey());
            String value = String.valueOf(entry.getValue()).trim();
            try {
                if (key.equals(INSTANCES_PREFIX + "heartbeat-interval")) {
                    interval = parseDuration(value);
                } else if (key.equals(INSTANCES_PREFIX + "timeout")) {
                    timeout = parseDuration(value);
                } else if (key.startsWith(MIGRATIONS_PREFIX)) {
                    String rest = key.substring(MIGRATIONS_PREFIX.length());
                    int dot = rest.lastIndexOf('.');
                    String id = dot < 0 ? rest : rest.substring(0, dot);
                    RolloutSettings current = rollout.getOrDefault(id, RolloutSettings.DEFAULTS);
                    switch (dot < 0 ? "" : rest.substring(dot + 1)) {
                        case "bake-in" -> rollout.put(id, current.withBakeIn(parseDuration(value)));
                        case "force-phase" -> rollout.put(id, current.withForcePhase(Boolean.parseBoolean(value)));
                        case "reverse-backfill" -> rollout.put(id, current.withReverseBackfill(Boolean.parseBoolean(value)));
                        default -> {
                        }
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
            }
        }
        return new Fleet(defaultInstanceId(), new HeartbeatSettings(interval, timeout), rollout);
    }

    static Duration parseDuration(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p") || v.startsWith("-p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            int split = 0;
            while (split < v.length() && (Character.isDigit(v.charAt(split)) || v.charAt(split) == '-')) {
                split++;
            }
            long amount = Long.parseLong(v.substring(0, split));
            return switch (v.substring(split).trim()) {
                case "ms" -> Duration.ofMillis(amount);
                case "s", "" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> throw new IllegalArgumentException("unknown unit");
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + value + "' is not a duration; write e.g. 500ms, 30s, 5m, 1h, 2d or PT1H");
        }
    }

    public Phase phaseOf(String migrationId) {
        return phases.getOrDefault(migrationId, Phase.EXPAND);
    }

    public boolean initializeSchema() {
        return initializeSchema;
    }

    /** What a dual write does with a value that does not convert old to new; {@link OnConversionError#FAIL} unless configured. */
    public OnConversionError onConversionErrorOf(String migrationId) {
        return onConversionError.getOrDefault(migrationId, OnConversionError.FAIL);
    }

    /** The zone of the migration's zone-less times ({@code expand-contract.migrations.<id>.zone}), or null when unset. */
    public ZoneId zoneOf(String migrationId) {
        return zones.get(migrationId);
    }

    /** Rows the startup round-trip check reads per converter migration; 0 when it is off. */
    public int roundTripSampleSize() {
        return roundTripSampleSize;
    }

    /** Migration ids that have any setting in configuration. */
    public Set<String> configuredMigrations() {
        Set<String> ids = new LinkedHashSet<>(phases.keySet());
        ids.addAll(onConversionError.keySet());
        ids.addAll(zones.keySet());
        ids.addAll(fleet.rollout().keySet());
        return Collections.unmodifiableSet(ids);
    }
}
