package io.pgconn.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.origin.Origin;

import java.util.List;

/**
 * A {@code pg.conn.*} value that cannot be used: names the property, the value (never a secret)
 * and what is allowed; for a value that is wrong only together with others (a conflict such as
 * {@code channel-binding=require} with {@code ssl.mode=disable}), those properties too, each with
 * where it was set. {@link PgConnFailureAnalyzer} turns it into Boot's start-up failure report.
 */
public class InvalidPgConnPropertyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String property;

    private final @Nullable String value;

    private final String expected;

    private final transient @Nullable Origin origin;

    private final transient List<ConflictingProperty> conflictsWith;

    /** A property whose value, with the rejected one, makes the configuration invalid; {@code value} never a secret. */
    public record ConflictingProperty(String property, @Nullable String value, @Nullable Origin origin) {
    }

    public InvalidPgConnPropertyException(String property, @Nullable String value, String expected,
            @Nullable Throwable cause) {
        this(property, value, null, List.of(), expected, cause);
    }

    /**
     * {@code origin}: where {@code property} was set, when known; {@code conflictsWith}: the other
     * properties of a conflict (empty when the value is wrong on its own).
     */
    public InvalidPgConnPropertyException(String property, @Nullable String value, @Nullable Origin origin,
            List<ConflictingProperty> conflictsWith, String expected, @Nullable Throwable cause) {
        super("Invalid value " + (value == null ? "" : "'" + value + "' ") + "for property '" + property + "'"
                + conflictsWith.stream().map(c -> " with '" + c.property() + "'"
                        + (c.value() == null ? "" : "='" + c.value() + "'")).reduce("", String::concat)
                + ": " + expected, cause);
        this.property = property;
        this.value = value;
        this.expected = expected;
        this.origin = origin;
        this.conflictsWith = List.copyOf(conflictsWith);
    }

    /** The property, e.g. {@code pg.conn.ssl.mode}. */
    public String getProperty() {
        return this.property;
    }

    /** The rejected value, or {@code null} when it is secret or not one value. */
    public @Nullable String getValue() {
        return this.value;
    }

    /** Where the property was set (a property source and key, a file and line), or {@code null}. */
    public @Nullable Origin getOrigin() {
        return this.origin;
    }

    /** The other properties of a conflict, each with its value and origin; empty when the value is wrong on its own. */
    public List<ConflictingProperty> getConflictsWith() {
        return this.conflictsWith == null ? List.of() : this.conflictsWith;
    }

    /** What the property accepts, or why the value was rejected. */
    public String getExpected() {
        return this.expected;
    }
}
