package io.pgconn.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertyResolver;

/**
 * Where a {@code pg.conn.*} property was set, found as Boot's binder finds it (its
 * {@link ConfigurationPropertySources}, in precedence order, any relaxed spelling): for the
 * {@code Origin:} line of a report about a value the binder accepted but pgconn did not.
 */
final class PgConnPropertySources {

    private PgConnPropertySources() {
    }

    /** The property as bound (value and origin), or {@code null} when it is not set or {@code environment} has no sources. */
    static @Nullable ConfigurationProperty find(PropertyResolver environment, String name) {
        if (!(environment instanceof ConfigurableEnvironment configurable)) {
            return null;
        }
        ConfigurationPropertyName key = ConfigurationPropertyName.of(name);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(configurable)) {
            ConfigurationProperty property = source.getConfigurationProperty(key);
            if (property != null) {
                return property;
            }
        }
        return null;
    }

    /**
     * {@code property}'s value as Boot's binder reads it: placeholders ({@code ${CONNECT_TIMEOUT:5}})
     * resolved against {@code environment}, as Boot's binder resolves them (one left unresolved stays
     * as written). A property source holds the value as written, so a check of the raw value would
     * judge the placeholder, not the value bound.
     */
    static String resolvedValue(PropertyResolver environment, ConfigurationProperty property) {
        Object value = property.getValue();
        return value instanceof String written ? environment.resolvePlaceholders(written) : String.valueOf(value);
    }

    /** The value as written in its property source, when that differs from {@link #resolvedValue}; else {@code null}. */
    static @Nullable String writtenIfResolved(PropertyResolver environment, ConfigurationProperty property) {
        String written = String.valueOf(property.getValue());
        return written.equals(resolvedValue(environment, property)) ? null : written;
    }
}
