package io.pgconn.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.PropertyResolver;

import java.util.List;
import java.util.Map;

/**
 * Refuses {@code pg.conn.connect-timeout} / {@code pg.conn.host-connect-timeout} / {@code pg.conn.cancel-grace}
 * given as a bare number below {@value #SHORTEST_UNITLESS_MS}: Boot reads a {@code Duration} without a unit as
 * milliseconds, so {@code connect-timeout: 5} (meant as seconds) became 5 ms and every connect failed
 * with core's "could not connect within connectTimeout=5ms" (user4's F10). A value with a unit
 * ({@code 50ms}) says what it means and passes; 0 (no limit) passes. The value checked is the one
 * Boot binds, placeholders resolved: {@code ${CONNECT_TIMEOUT:5}} is 5 ms unless CONNECT_TIMEOUT says
 * otherwise (review F3: the raw {@code ${...}} string was checked, so it was never refused); the report
 * names the property, where it was set, the resolved value and, for a placeholder, the value as written.
 */
final class UnitlessConnectTimeouts {

    static final int SHORTEST_UNITLESS_MS = 100;

    /** Each property, in the order they are checked, and what its milliseconds would be too short for. */
    private static final List<Map.Entry<String, String>> PROPERTIES = List.of(Map.entry("pg.conn.connect-timeout", "a connect"),
            Map.entry("pg.conn.host-connect-timeout", "a connect"), Map.entry("pg.conn.cancel-grace", "a server to answer a cancel request"));

    private UnitlessConnectTimeouts() {
    }

    static void check(PropertyResolver environment) {
        for (Map.Entry<String, String> checked : PROPERTIES) {
            String name = checked.getKey();
            ConfigurationProperty property = PgConnPropertySources.find(environment, name);
            if (property == null) {
                continue;
            }
            String value = PgConnPropertySources.resolvedValue(environment, property).strip();
            if (!value.matches("\\d{1,9}")) {
                continue; // has a unit, or is not a number (Boot's binder reports that)
            }
            int millis = Integer.parseInt(value);
            if (millis > 0 && millis < SHORTEST_UNITLESS_MS) {
                throw new InvalidPgConnPropertyException(name, value, property.getOrigin(), List.of(),
                        reason(millis, checked.getValue(), PgConnPropertySources.writtenIfResolved(environment, property),
                                property.getOrigin()), null);
            }
        }
    }

    /** Why {@code millis} is refused: where it was set, the placeholder it came from, and what to write. */
    private static String reason(int millis, String tooShortFor, @Nullable String written, @Nullable Origin origin) {
        String where = origin != null ? " in " + origin : "";
        String source = written != null ? "'" + written + "' resolves to " + millis + where + "; "
                : where.isEmpty() ? "" : "set" + where + "; ";
        return source + "a duration without a unit is milliseconds, so this is " + millis + " ms, too short for " + tooShortFor + "; "
                + "write " + millis + "s for seconds, or " + millis + "ms if milliseconds are meant";
    }
}
