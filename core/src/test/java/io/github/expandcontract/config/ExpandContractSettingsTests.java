package io.github.expandcontract.config;

import io.github.expandcontract.fleet.RolloutSettings;
import io.github.expandcontract.phase.Phase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The per-migration conversion settings read from plain Hibernate properties. */
class ExpandContractSettingsTests {

    @Test
    void readsOnConversionErrorZoneAndSampleSize() {
        ExpandContractSettings settings = ExpandContractSettings.fromProperties(Map.of(
                "expand-contract.migrations.a.phase", "dual-write",
                "expand-contract.migrations.a.on-conversion-error", "write-null",
                "expand-contract.migrations.b.zone", "Europe/Berlin",
                "expand-contract.round-trip-check.sample-size", "25"));
        assertThat(settings.phaseOf("a")).isEqualTo(Phase.DUAL_WRITE);
        assertThat(settings.onConversionErrorOf("a")).isEqualTo(OnConversionError.WRITE_NULL);
        assertThat(settings.onConversionErrorOf("b")).isEqualTo(OnConversionError.FAIL);
        assertThat(settings.zoneOf("b")).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(settings.zoneOf("a")).isNull();
        assertThat(settings.roundTripSampleSize()).isEqualTo(25);
        assertThat(settings.configuredMigrations()).containsExactlyInAnyOrder("a", "b");
        assertThat(ExpandContractSettings.fromProperties(Map.of()).roundTripSampleSize())
                .isEqualTo(ExpandContractSettings.DEFAULT_ROUND_TRIP_SAMPLE_SIZE);
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> ExpandContractSettings.fromProperties(Map.of("expand-contract.migrations.a.on-conversion-error", "skip")))
                .hasMessageContaining("expand-contract.migrations.a.on-conversion-error").hasMessageContaining("fail or write-null");
        assertThatThrownBy(() -> ExpandContractSettings.fromProperties(Map.of("expand-contract.migrations.a.zone", "Nowhere/Town")))
                .hasMessageContaining("expand-contract.migrations.a.zone");
        assertThatThrownBy(() -> ExpandContractSettings.fromProperties(Map.of("expand-contract.round-trip-check.sample-size", "-3")))
                .hasMessageContaining("expand-contract.round-trip-check.sample-size");
    }

    @Test
    void readsTheRolloutAndHeartbeatKeys() {
        ExpandContractSettings settings = ExpandContractSettings.fromProperties(Map.of(
                "expand-contract.migrations.owner-phone.phase", "read-new",
                "expand-contract.migrations.owner-phone.bake-in", "90m",
                "expand-contract.migrations.owner-phone.reverse-backfill", "true",
                "expand-contract.migrations.customer-email.force-phase", "true",
                "expand-contract.migrations.customer-email.bake-in", "PT0S",
                "expand-contract.instances.heartbeat-interval", "500ms",
                "expand-contract.instances.timeout", "2s"));
        assertThat(settings.phaseOf("owner-phone")).isEqualTo(Phase.READ_NEW);
        assertThat(settings.fleet().rolloutOf("owner-phone")).isEqualTo(new RolloutSettings(Duration.ofMinutes(90), false, true));
        assertThat(settings.fleet().rolloutOf("customer-email")).isEqualTo(new RolloutSettings(Duration.ZERO, true, false));
        assertThat(settings.fleet().rolloutOf("unset")).isEqualTo(RolloutSettings.DEFAULTS);
        assertThat(settings.fleet().heartbeat().interval()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.fleet().heartbeat().timeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aBadDurationNamesTheKey() {
        assertThatThrownBy(() -> ExpandContractSettings.fromProperties(Map.of("expand-contract.migrations.owner-phone.bake-in", "soon")))
                .hasMessageContaining("expand-contract.migrations.owner-phone.bake-in: 'soon' is not a duration");
        assertThatThrownBy(() -> ExpandContractSettings.fromProperties(Map.of("expand-contract.migrations.owner-phone.bake-in", "-1h")))
                .hasMessageContaining("expand-contract.migrations.owner-phone.bake-in: the bake-in must be zero or positive");
    }
}
