package io.pgconn.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Where {@code PG*} environment variables (and {@code HOME}, {@code PGSYSCONFDIR}) are read
 * from. Injectable so tests never depend on the real process environment.
 *
 * <p>{@link ConnConfig#builder()} reads no environment unless given one
 * ({@code .environment(EnvironmentSource.system())}); {@link ConnConfig#parse(String)} reads the
 * system environment, as libpq does.
 *
 * @see <a href="https://www.postgresql.org/docs/current/libpq-envars.html">libpq environment variables</a>
 */
@FunctionalInterface
public interface EnvironmentSource {

    /** The variable's value, or {@code null} when it is not set. */
    String get(String name);

    /** The process environment ({@link System#getenv(String)}). */
    static EnvironmentSource system() {
        return System::getenv;
    }

    /** A fixed set of variables (copied); anything else is unset. */
    static EnvironmentSource of(Map<String, String> variables) {
        Map<String, String> copy = new HashMap<>(variables);
        return copy::get;
    }

    /** No variables at all: the builder's default. */
    static EnvironmentSource none() {
        return name -> null;
    }
}
