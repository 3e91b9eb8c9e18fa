package io.pgconn.spring.boot.autoconfigure;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertyResolver;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The {@code PG_CONN_*} environment variables, checked as Boot does not check them: Boot's binder
 * leaves the process environment out of its unknown-key check (it is shared with everything else),
 * so a mistyped {@code PG_CONN_TARGET_SESION_ATTRS} was ignored without a trace while the same typo
 * in a property file fails start-up. A variable under pgconn's prefix that binds to no
 * {@code pg.conn.*} property fails start-up with an {@link UnknownPgConnEnvironmentVariableException}
 * naming it, never its value (docs/starter.md §1).
 */
final class PgConnEnvironmentVariables {

    private PgConnEnvironmentVariables() {
    }

    /** Fails when a {@code PG_CONN_*} variable of {@code environment}'s system environment binds to no property. */
    static void check(PropertyResolver environment) {
        if (!(environment instanceof ConfigurableEnvironment configurable)) {
            return;
        }
        PropertySource<?> variables = configurable.getPropertySources().get(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        if (!(variables instanceof EnumerablePropertySource<?> enumerable)) {
            return;
        }
        List<String> unknown = Arrays.stream(enumerable.getPropertyNames())
                .filter(name -> name.toUpperCase(Locale.ROOT).startsWith(PgConnPropertyNames.VARIABLE_PREFIX))
                .filter(name -> !PgConnPropertyNames.bindsVariable(name))
                .sorted().toList();
        if (!unknown.isEmpty()) {
            throw new UnknownPgConnEnvironmentVariableException(unknown);
        }
    }
}
