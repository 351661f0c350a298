package io.github.expandcontract.backfill;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The adaptive batch size: grows at most 1.5x, shrinks hard when far too slow, stays within floor and cap. */
class BatchSizerTests {

    private final BackfillSettings settings = new BackfillSettings(1_000, 100, 10_000, Duration.ofMillis(500), 0, Duration.ZERO,
            Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(5));

    @Test
    void growsAtMostOneAndAHalfTimesPerBatchWhenFast() {
        BatchSizer sizer = new BatchSizer(settings);
        assertThat(sizer.next(1_000, Duration.ofMillis(10))).isEqualTo(1_500);
        assertThat(sizer.next(1_500, Duration.ofMillis(10))).isEqualTo(2_250);
    }

    @Test
    void approachesTheTargetProportionallyWhenAlmostThere() {
        BatchSizer sizer = new BatchSizer(settings);
        assertThat(sizer.next(1_000, Duration.ofMillis(400))).isEqualTo(1_250);
        assertThat(sizer.next(1_250, Duration.ofMillis(625))).isEqualTo(1_000); // a bit slow: shrinks a bit
    }

    @Test
    void shrinksHardWhenABatchTakesFarLongerThanTheTarget() {
        BatchSizer sizer = new BatchSizer(settings);
        assertThat(sizer.next(1_000, Duration.ofMillis(5_000))).isEqualTo(100); // 10x too slow: to the floor
        BatchSizer other = new BatchSizer(settings);
        assertThat(other.next(1_000, Duration.ofMillis(2_000))).isEqualTo(250); // 4x too slow: a quarter
    }

    @Test
    void staysWithinTheCapAndIgnoresAShortLastBatch() {
        BatchSizer sizer = new BatchSizer(settings);
        for (int i = 0; i < 20; i++) {
            sizer.next(sizer.size(), Duration.ofMillis(1));
        }
        assertThat(sizer.size()).isEqualTo(10_000);
        assertThat(sizer.next(17, Duration.ofMillis(1))).as("a short last batch says nothing").isEqualTo(10_000);
    }

    @Test
    void aRateCapKeepsEveryBatchWithinOneSecondsWorthOfRows() {
        BatchSizer sizer = new BatchSizer(settings.withMaxRowsPerSecond(4_000));
        for (int i = 0; i < 20; i++) {
            sizer.next(sizer.size(), Duration.ofMillis(1));
        }
        assertThat(sizer.size()).isEqualTo(4_000);
    }
}
