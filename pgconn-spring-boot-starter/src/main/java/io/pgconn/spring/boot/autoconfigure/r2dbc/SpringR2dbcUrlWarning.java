package io.pgconn.spring.boot.autoconfigure.r2dbc;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A WARN at start-up for each {@code spring.r2dbc.*} property set while the starter provides the
 * R2DBC {@code ConnectionFactory}: Boot's R2DBC auto-configuration then backs off, so the property
 * configures nothing, and a user who moved to pgconn (keeping {@code spring.r2dbc.pool.max-size},
 * {@code spring.r2dbc.username}, ...) would otherwise lose the setting without a word (user4's F8).
 * Each names the {@code pg.conn.*} property that does it. Names the property only: its value may hold
 * a password. Boot 4 reads its query observation's switch from
 * {@code management.observations.r2dbc.include-parameter-values}, which applies to the starter's factory
 * too; {@code spring.r2dbc.observability.include-parameter-values}, which Boot 4 does not read, is pointed there.
 */
final class SpringR2dbcUrlWarning {

    static final String PROPERTY = "spring.r2dbc.url";

    private static final ConfigurationPropertyName SPRING_R2DBC = ConfigurationPropertyName.of("spring.r2dbc");

    /** Boot's {@code spring.r2dbc.*} (canonical form, after the prefix) and pgconn's property for it. */
    private static final Map<String, String> REPLACEMENTS = Map.ofEntries(
            Map.entry("username", "pg.conn.username"), Map.entry("password", "pg.conn.password"),
            Map.entry("name", "pg.conn.database"), Map.entry("properties", "pg.conn.startup-parameters.*"),
            Map.entry("pool.enabled", "pg.conn.pool.enabled"), Map.entry("pool.initial-size", "pg.conn.pool.initial-size"),
            Map.entry("pool.max-size", "pg.conn.pool.max-size"), Map.entry("pool.max-idle-time", "pg.conn.pool.max-idle-time"),
            Map.entry("pool.max-life-time", "pg.conn.pool.max-life-time"),
            Map.entry("pool.max-acquire-time", "pg.conn.pool.max-acquire-time"),
            Map.entry("pool.validation-depth", "pg.conn.pool.validation-depth"),
            Map.entry("pool.max-create-connection-time", "pg.conn.connect-timeout"),
            Map.entry("observability.include-parameter-values", "management.observations.r2dbc.include-parameter-values"));

    private static final Log logger = LogFactory.getLog(SpringR2dbcUrlWarning.class);

    private SpringR2dbcUrlWarning() {
    }

    static void warnIfSet(Environment environment) {
        if (environment.containsProperty(PROPERTY)) {
            logger.warn(PROPERTY + " is set but ignored: the R2DBC ConnectionFactory is pgconn's, configured by pg.conn.* "
                    + "(pg.conn.url or pg.conn.hosts, pg.conn.username, pg.conn.password, pg.conn.pool.*); "
                    + "move the settings there and remove " + PROPERTY);
        }
        for (String name : otherSpringR2dbcProperties(environment)) {
            String suffix = name.substring("spring.r2dbc.".length());
            // canonical names drop a camelCase hump's dash (initialSize -> initialsize): compare without dashes
            String known = suffix.startsWith("properties.") ? "properties" : REPLACEMENTS.keySet().stream()
                    .filter(key -> key.replace("-", "").equals(suffix.replace("-", ""))).findFirst().orElse(null);
            String replacement = known != null ? REPLACEMENTS.get(known) : null;
            String shown = known != null && !known.equals("properties") ? "spring.r2dbc." + known : name;
            logger.warn(shown + " is set but ignored: the R2DBC ConnectionFactory is pgconn's, configured by pg.conn.*; "
                    + (replacement != null ? "use " + replacement + " instead" : "pgconn has no such setting (see pg.conn.*)"));
        }
    }

    /** The {@code spring.r2dbc.*} names set anywhere but {@code url}, in Boot's canonical form, each once. */
    private static Set<String> otherSpringR2dbcProperties(Environment environment) {
        Set<String> names = new TreeSet<>();
        if (!(environment instanceof org.springframework.core.env.ConfigurableEnvironment configurable)) {
            return names;
        }
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(configurable)) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.stream().filter(SPRING_R2DBC::isAncestorOf).map(ConfigurationPropertyName::toString)
                        .filter(name -> !name.equals(PROPERTY)).forEach(names::add);
            }
        }
        return names;
    }
}
