package io.github.expandcontract.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.time.Duration;

import static io.github.expandcontract.autoconfigure.JpaTestSupport.analyze;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad values of {@code expand-contract.*} fail startup with Spring Boot's binding report: the
 * property, the value, where it was set and the rule. No Jakarta Bean Validation is needed.
 */
class PropertiesValidationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ExpandContractAutoConfiguration.class));

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "batch-size             | -5     | batchSize           | -5      | must be at least 1",
            "batch-size             | 0      | batchSize           | 0       | must be at least 1",
            "target-batch-time      | 0s     | targetBatchTime     | PT0S    | must be positive",
            "target-batch-time      | -200ms | targetBatchTime     | PT-0.2S | must be positive",
            "max-rows-per-second    | -1     | maxRowsPerSecond    | -1.0    | must be 0 (no cap) or a positive number",
            "pause-between-batches  | -1s    | pauseBetweenBatches | PT-1S   | must be zero (no pause) or positive",
            "traffic-duty-cycle     | 0      | trafficDutyCycle    | 0.0     | must be more than 0 and at most 1",
            "traffic-duty-cycle     | 1.5    | trafficDutyCycle    | 1.5     | must be more than 0 and at most 1",
            "traffic-batch-time     | 0ms    | trafficBatchTime    | PT0S    | must be positive" })
    void aBadBackfillValueFailsStartupNamingPropertyValueOriginAndRule(String property, String value, String field,
            String bound, String rule) {
        String key = "expand-contract.migrations.owner-phone.backfill." + property;
        runner.withPropertyValues(key + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getDescription())
                    .contains("Property: expand-contract.migrations.owner-phone.backfill." + field)
                    .contains("Value: \"" + bound + "\"")
                    .contains("Origin: \"" + key + "\" from property source")
                    .contains("Reason: " + rule);
            assertThat(analysis.getAction()).contains("Update your application's configuration");
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "heartbeat-interval=0s   | timeout=30s | heartbeatInterval | PT0S  | must be at least 1ms",
            "heartbeat-interval=-10s | timeout=30s | heartbeatInterval | PT-10S | must be at least 1ms",
            "heartbeat-interval=10s  | timeout=10s | timeout           | PT10S | must be longer than heartbeat-interval (PT10S)",
            "heartbeat-interval=10s  | timeout=-5s | timeout           | PT-5S | must be longer than heartbeat-interval (PT10S)" })
    void aBadHeartbeatValueFailsStartupNamingPropertyValueAndRule(String interval, String timeout, String field, String bound,
            String rule) {
        runner.withPropertyValues("expand-contract.instances." + interval, "expand-contract.instances." + timeout).run(context -> {
            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getDescription())
                    .contains("Property: expand-contract.instances." + field)
                    .contains("Value: \"" + bound + "\"")
                    .contains("Reason: " + rule);
        });
    }

    @Test
    void aNegativeBakeInFailsStartupNamingTheProperty() {
        runner.withPropertyValues("expand-contract.migrations.owner-phone.bake-in=-1m").run(context -> {
            assertThat(context).hasFailed();
            assertThat(analyze(context.getStartupFailure()).getDescription())
                    .contains("Property: expand-contract.migrations.owner-phone.bakeIn")
                    .contains("Value: \"PT-1M\"")
                    .contains("Reason: must be zero or positive");
        });
    }

    @Test
    void theRolloutPropertiesReachTheEngineSettings() {
        runner.withPropertyValues("expand-contract.migrations.owner-phone.bake-in=0s",
                "expand-contract.migrations.owner-phone.force-phase=true",
                "expand-contract.migrations.owner-phone.reverse-backfill=true",
                "expand-contract.instances.heartbeat-interval=1s", "expand-contract.instances.timeout=3s").run(context -> {
            var fleet = context.getBean(io.github.expandcontract.config.ExpandContractSettings.class).fleet();
            assertThat(fleet.rolloutOf("owner-phone")).isEqualTo(new io.github.expandcontract.fleet.RolloutSettings(Duration.ZERO, true, true));
            assertThat(fleet.rolloutOf("other")).isEqualTo(io.github.expandcontract.fleet.RolloutSettings.DEFAULTS);
            assertThat(fleet.heartbeat().timeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(fleet.instanceId()).isNotBlank();
        });
    }

    @Test
    void everyBadValueOfAMigrationIsReportedAtOnce() {
        runner.withPropertyValues("expand-contract.migrations.owner-phone.backfill.batch-size=-1",
                "expand-contract.migrations.owner-phone.backfill.max-rows-per-second=-10").run(context -> {
            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getDescription())
                    .contains("Property: expand-contract.migrations.owner-phone.backfill.batchSize")
                    .contains("Property: expand-contract.migrations.owner-phone.backfill.maxRowsPerSecond");
        });
    }

    @Test
    void validValuesBind() {
        runner.withPropertyValues("expand-contract.migrations.owner-phone.backfill.batch-size=1",
                "expand-contract.migrations.owner-phone.backfill.target-batch-time=1ms",
                "expand-contract.migrations.owner-phone.backfill.max-rows-per-second=0",
                "expand-contract.migrations.owner-phone.backfill.pause-between-batches=0s",
                "expand-contract.migrations.owner-phone.backfill.traffic-duty-cycle=1",
                "expand-contract.migrations.owner-phone.backfill.traffic-batch-time=25ms").run(context -> {
            assertThat(context).hasNotFailed();
            ExpandContractProperties.Backfill backfill = context.getBean(ExpandContractProperties.class)
                    .getMigrations().get("owner-phone").getBackfill();
            assertThat(backfill.getBatchSize()).isEqualTo(1);
            assertThat(backfill.getTargetBatchTime()).isEqualTo(Duration.ofMillis(1));
            assertThat(backfill.toSettings().trafficDutyCycle()).isEqualTo(1);
            assertThat(backfill.toSettings().trafficBatchTime()).isEqualTo(Duration.ofMillis(25));
        });
    }

    @Test
    void anUnknownPhaseFailsStartupListingTheValidPhases() {
        runner.withPropertyValues("expand-contract.migrations.owner-phone.phase=read-old").run(context -> {
            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("expand-contract.migrations.owner-phone.phase", "read-old");
            assertThat(analysis.getAction()).contains("EXPAND", "DUAL_WRITE", "BACKFILL", "READ_NEW", "CONTRACT");
        });
    }

    @Test
    void anUnknownInitializeSchemaValueFailsStartupListingTheValidValues() {
        runner.withPropertyValues("expand-contract.jdbc.initialize-schema=sometimes").run(context -> {
            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("expand-contract.jdbc.initialize-schema", "sometimes");
            assertThat(analysis.getAction()).contains("ALWAYS", "NEVER");
        });
    }

    @Test
    void conversionSettingsBindAndReachTheEngine() {
        runner.withPropertyValues("expand-contract.migrations.owner-phone.on-conversion-error=write-null",
                "expand-contract.migrations.owner-phone.zone=Europe/Berlin",
                "expand-contract.round-trip-check.sample-size=50").run(context -> {
            assertThat(context).hasNotFailed();
            io.github.expandcontract.config.ExpandContractSettings settings =
                    context.getBean(io.github.expandcontract.config.ExpandContractSettings.class);
            assertThat(settings.onConversionErrorOf("owner-phone"))
                    .isEqualTo(io.github.expandcontract.config.OnConversionError.WRITE_NULL);
            assertThat(settings.zoneOf("owner-phone")).isEqualTo(java.time.ZoneId.of("Europe/Berlin"));
            assertThat(settings.roundTripSampleSize()).isEqualTo(50);
        });
        runner.run(context -> assertThat(context.getBean(io.github.expandcontract.config.ExpandContractSettings.class)
                .onConversionErrorOf("owner-phone")).isEqualTo(io.github.expandcontract.config.OnConversionError.FAIL));
    }

    @Test
    void badConversionSettingsFailStartupNamingThePropertyAndValue() {
        runner.withPropertyValues("expand-contract.migrations.owner-phone.on-conversion-error=ignore").run(context -> {
            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("expand-contract.migrations.owner-phone.on-conversion-error", "ignore");
            assertThat(analysis.getAction()).contains("FAIL", "WRITE_NULL");
        });
        runner.withPropertyValues("expand-contract.migrations.owner-phone.zone=Mars/Olympus").run(context ->
                assertThat(analyze(context.getStartupFailure()).getDescription())
                        .contains("expand-contract.migrations.owner-phone.zone", "Mars/Olympus"));
        runner.withPropertyValues("expand-contract.round-trip-check.sample-size=-1").run(context ->
                assertThat(analyze(context.getStartupFailure()).getDescription())
                        .contains("Property: expand-contract.round-trip-check.sampleSize", "Reason: must be 0 (no check) or a positive number of rows"));
    }
}
