package io.pgconn.r2dbc;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A duration option given as text ({@code connectTimeout=5s} in a URL): the forms r2dbc-postgresql
 * accepts, so a URL moves between the two drivers unchanged — a whole number with an optional unit
 * ({@code ns us ms s m h d}, any case; none = milliseconds) or ISO-8601 ({@code PT5S}). Negative
 * durations are refused: every such option is a timeout.
 */
final class OptionDuration {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+)([a-zA-Z]{0,2})");

    private OptionDuration() {
    }

    /** {@link IllegalArgumentException} naming the option, the value and the accepted forms. */
    static Duration parse(String option, String value) {
        String text = value.trim();
        Duration duration = parseOrNull(text);
        if (duration == null) {
            throw new IllegalArgumentException("invalid " + option + " \"" + text + "\": expected a duration such as 500ms, 5s, 2m"
                    + " (units ns, us, ms, s, m, h, d; a bare number is milliseconds) or ISO-8601 such as PT5S");
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("invalid " + option + " \"" + text + "\": must not be negative");
        }
        return duration;
    }

    /**
     * {@code duration} in whole milliseconds, rounded up: PostgreSQL's timeouts count milliseconds, and a non-zero
     * duration under one (500 µs) truncated to 0 would be "no timeout" (REVIEW-20 R6). Not negative.
     */
    static long wholeMillis(Duration duration) {
        long millis = duration.toMillis();
        return duration.minusMillis(millis).isZero() ? millis : millis + 1;
    }

    /** {@link #wholeMillis} of a timeout {@code what} names; {@link IllegalArgumentException} for a negative one. */
    static long timeoutMillis(String what, Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("invalid " + what + " \"" + timeout + "\": must not be negative (zero: no timeout)");
        }
        return wholeMillis(timeout);
    }

    private static Duration parseOrNull(String text) {
        if (text.startsWith("P") || text.startsWith("p") || text.startsWith("-P") || text.startsWith("-p")) {
            try {
                return Duration.parse(text);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        Matcher matcher = SIMPLE.matcher(text);
        if (!matcher.matches()) {
            return null;
        }
        ChronoUnit unit = switch (matcher.group(2).toLowerCase(Locale.ROOT)) {
            case "", "ms" -> ChronoUnit.MILLIS;
            case "ns" -> ChronoUnit.NANOS;
            case "us" -> ChronoUnit.MICROS;
            case "s" -> ChronoUnit.SECONDS;
            case "m" -> ChronoUnit.MINUTES;
            case "h" -> ChronoUnit.HOURS;
            case "d" -> ChronoUnit.DAYS;
            default -> null;
        };
        if (unit == null) {
            return null;
        }
        try {
            return Duration.of(Long.parseLong(matcher.group(1)), unit);
        } catch (ArithmeticException | NumberFormatException e) {
            return null; // beyond a long or beyond Duration's range
        }
    }
}
