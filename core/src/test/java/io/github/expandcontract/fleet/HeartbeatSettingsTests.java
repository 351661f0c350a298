package io.github.expandcontract.fleet;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeartbeatSettingsTests {

    @Test
    void theTimeoutMustOutlastTheInterval() {
        assertThatThrownBy(() -> new HeartbeatSettings(Duration.ofSeconds(10), Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than the heartbeat interval");
        assertThatThrownBy(() -> new HeartbeatSettings(Duration.ZERO, Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1ms");
        new HeartbeatSettings(Duration.ofSeconds(10), Duration.ofSeconds(11));
    }
}
