package io.github.expandcontract.liquibase.change;

import io.github.expandcontract.liquibase.DurationAttribute;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamingAndTimingTests {

    @Test
    void helperCheckNameFollowsTableAndColumn() {
        assertThat(AddNotNullConstraintOnlineChange.helperConstraintName("customers", "email")).isEqualTo("customers_email_ec_not_null");
    }

    @Test
    void helperCheckNameFitsPostgresLimitAndStaysDistinct() {
        String table = "a_table_with_a_rather_long_name_for_the_purpose";
        String first = AddNotNullConstraintOnlineChange.helperConstraintName(table, "first_column_with_a_long_name");
        String second = AddNotNullConstraintOnlineChange.helperConstraintName(table, "first_column_with_a_long_namf");

        assertThat(first.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
        assertThat(first).endsWith("_ec_not_null").startsWith("a_table_with").isNotEqualTo(second);
        assertThat(AddNotNullConstraintOnlineChange.helperConstraintName(table, "first_column_with_a_long_name")).isEqualTo(first);
        assertThat(AddNotNullConstraintOnlineChange.helperConstraintName("kunden_übersicht_mit_einem_langen_namen", "straße_und_hausnummer"))
                .matches("[a-z0-9_]+").hasSizeLessThanOrEqualTo(63);
    }

    @Test
    void pausesBetweenAttemptsDoubleUpToTenSeconds() {
        assertThat(LockTimeoutRetry.pauseAfter(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(LockTimeoutRetry.pauseAfter(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(LockTimeoutRetry.pauseAfter(5)).isEqualTo(Duration.ofSeconds(8));
        assertThat(LockTimeoutRetry.pauseAfter(6)).isEqualTo(Duration.ofSeconds(10));
        assertThat(LockTimeoutRetry.pauseAfter(60)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void durationsAcceptMillisecondsSecondsAndMinutes() {
        assertThat(DurationAttribute.parse("lockTimeout", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationAttribute.parse("lockTimeout", "2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(DurationAttribute.parse("lockTimeout", " 1MIN ")).isEqualTo(Duration.ofMinutes(1));
        assertThat(DurationAttribute.parse("lockTimeout", "250")).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> DurationAttribute.parse("lockTimeout", "2 seconds"))
                .hasMessage("lockTimeout '2 seconds' is not a duration; write e.g. 500ms, 2s or 1min (a plain number means milliseconds)");
        assertThatThrownBy(() -> DurationAttribute.parse("lockTimeout", "0s"))
                .hasMessage("lockTimeout must be greater than zero (0 would mean: wait forever)");
    }
}
