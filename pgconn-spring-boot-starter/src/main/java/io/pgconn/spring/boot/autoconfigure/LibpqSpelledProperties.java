package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.config.ChannelBindingMode;
import io.pgconn.config.HostResolverKind;
import io.pgconn.config.LibpqValue;
import io.pgconn.config.LoadBalanceHosts;
import io.pgconn.config.SslMode;
import io.pgconn.config.SslNegotiation;
import io.pgconn.config.SslProviderKind;
import io.pgconn.config.TargetSessionAttrs;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.core.env.PropertyResolver;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Refuses a {@code pg.conn.*} property that mirrors a libpq keyword unless its value is spelled as libpq
 * spells it ({@code read-write}, {@code verify-full}), as the README promises and libpq does. Boot's
 * enum binding is lenient ({@code readwrite}, {@code READ_WRITE} and {@code Read_Write} all bind to
 * {@code READ_WRITE}; new user 6's note), and a converter cannot narrow it: Boot's binder falls back to
 * its lenient converter when another one fails. So the value Boot bound is checked as written (its
 * placeholders resolved), like {@link UnitlessConnectTimeouts} — a value that is the enum constant itself
 * (an object a property source holds, e.g. {@code SpringApplication.setDefaultProperties}) is taken as it
 * is; a value that is none of the constants
 * in any spelling is Boot's binding failure, reported by {@link PgConnFailureAnalyzer}.
 * {@code ssl.provider} and {@code host-resolver} are core's keywords ({@code sslProvider}, {@code hostResolver}), whose
 * values a connection string spells the same way: so does the property. {@code startup-check} and {@code pool.validation-depth} are the starter's own, not libpq's:
 * Boot's rules apply to them.
 */
final class LibpqSpelledProperties {

    private static final Map<String, Class<? extends LibpqValue>> PROPERTIES = Map.of(
            "pg.conn.target-session-attrs", TargetSessionAttrs.class,
            "pg.conn.load-balance-hosts", LoadBalanceHosts.class,
            "pg.conn.channel-binding", ChannelBindingMode.class,
            "pg.conn.ssl.mode", SslMode.class,
            "pg.conn.ssl.negotiation", SslNegotiation.class,
            "pg.conn.ssl.provider", SslProviderKind.class,
            "pg.conn.host-resolver", HostResolverKind.class);

    private LibpqSpelledProperties() {
    }

    static void check(PropertyResolver environment) {
        PROPERTIES.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            ConfigurationProperty property = PgConnPropertySources.find(environment, entry.getKey());
            if (property == null || entry.getValue().isInstance(property.getValue())) {
                return; // unset, or set as the constant itself (an object in a property source): nothing was spelled
            }
            String value = PgConnPropertySources.resolvedValue(environment, property).strip();
            List<String> spellings = Arrays.stream(entry.getValue().getEnumConstants()).map(LibpqValue::libpqName).toList();
            if (!spellings.contains(value)) {
                throw new InvalidPgConnPropertyException(entry.getKey(), value, property.getOrigin(), List.of(),
                        "not one of " + String.join(", ", spellings) + " (spelled as libpq spells them)", null);
            }
        });
    }
}
