package io.pgconn.spring.boot.autoconfigure;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertyResolver;
import org.springframework.util.PlaceholderResolutionException;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Refuses a {@code pg.conn.*} value holding a placeholder nothing resolves. Boot's binder binds such
 * a placeholder as written, so {@code pg.conn.password: ${DB_PASSWORD}} with {@code DB_PASSWORD} unset
 * sent the fourteen characters {@code ${DB_PASSWORD}} as the password, and the only report was the
 * server's "password authentication failed" (or, for a host, an unknown host {@code ${DB_HOST}}).
 * The report names the property, where it was set and the placeholder, never the value: the rest of
 * it may be a password (docs/starter.md §3a).
 */
final class UnresolvedPlaceholders {

    private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of(PgConnPropertyNames.PREFIX);

    private UnresolvedPlaceholders() {
    }

    static void check(PropertyResolver environment) {
        if (!(environment instanceof ConfigurableEnvironment configurable)) {
            return;
        }
        Set<ConfigurationPropertyName> names = new LinkedHashSet<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(configurable)) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.filter(PREFIX::isAncestorOf).forEach(names::add);
            }
        }
        for (ConfigurationPropertyName name : names) {
            // the value that wins, as the binder finds it
            ConfigurationProperty property = PgConnPropertySources.find(environment, name.toString());
            if (property == null || !(property.getValue() instanceof String written)) {
                continue;
            }
            try {
                environment.resolveRequiredPlaceholders(written);
            } catch (PlaceholderResolutionException e) {
                String placeholder = e.getPlaceholder();
                throw new InvalidPgConnPropertyException(name.toString(), null, property.getOrigin(), List.of(),
                        "its placeholder '${" + placeholder + "}' is not resolved: no property, environment variable"
                        + " or system property '" + placeholder + "' is set, and Boot would bind the placeholder's"
                        + " text as the value; set '" + placeholder + "', or give a default: '${" + placeholder
                        + ":...}'", null);
            }
        }
    }
}
