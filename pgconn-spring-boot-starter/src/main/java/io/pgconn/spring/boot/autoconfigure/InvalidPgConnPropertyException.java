package io.pgconn.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * A {@code pg.conn.*} value that cannot be used: names the property, the value (never a secret)
 * and what is allowed. {@link PgConnFailureAnalyzer} turns it into Boot's start-up failure report.
 */
public class InvalidPgConnPropertyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String property;

    private final @Nullable String value;

    private final String expected;

    public InvalidPgConnPropertyException(String property, @Nullable String value, String expected,
            @Nullable Throwable cause) {
        super("Invalid value " + (value == null ? "" : "'" + value + "' ") + "for property '" + property + "': "
                + expected, cause);
        this.property = property;
        this.value = value;
        this.expected = expected;
    }

    /** The property, e.g. {@code pg.conn.ssl.mode}. */
    public String getProperty() {
        return this.property;
    }

    /** The rejected value, or {@code null} when it is secret or not one value. */
    public @Nullable String getValue() {
        return this.value;
    }

    /** What the property accepts, or why the value was rejected. */
    public String getExpected() {
        return this.expected;
    }
}
