package io.github.expandcontract.liquibase;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the duration attributes of the extensions: {@code 500ms}, {@code 2s}, {@code 1min}, or plain milliseconds. */
public final class DurationAttribute {

    private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*(ms|s|min)?");

    private DurationAttribute() {
    }

    /**
     * @throws IllegalArgumentException naming the attribute and the accepted forms
     */
    public static Duration parse(String attribute, String value) {
        Matcher matcher = value == null ? null : FORMAT.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (matcher == null || !matcher.matches()) {
            throw new IllegalArgumentException(attribute + " '" + value + "' is not a duration; write e.g. 500ms, 2s or 1min "
                    + "(a plain number means milliseconds)");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "ms" : matcher.group(2);
        Duration duration = switch (unit) {
            case "s" -> Duration.ofSeconds(amount);
            case "min" -> Duration.ofMinutes(amount);
            default -> Duration.ofMillis(amount);
        };
        if (duration.isZero()) {
            throw new IllegalArgumentException(attribute + " must be greater than zero (0 would mean: wait forever)");
        }
        return duration;
    }
}
