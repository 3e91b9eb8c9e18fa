package io.pgconn.spring.boot.autoconfigure;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Hides pgconn's secrets in the {@code env} and {@code configprops} endpoints even when
 * {@code show-values} lets other values through (Boot 4 masks every value by default, and
 * applies sanitizing functions only to values it would show): {@code pg.conn.password} and
 * {@code pg.conn.ssl.key-password} entirely, and in {@code pg.conn.url} only the password
 * (URI user info, {@code password=} and {@code sslpassword=}), so hosts and options stay
 * readable. Keys match in any relaxed form ({@code PG_CONN_PASSWORD}, {@code pg.conn.ssl.keyPassword}).
 * <p>
 * The secrets' values are hidden under any other key too: a property whose value is the bound
 * {@code pg.conn.password}, {@code ssl.key-password} or the password in {@code pg.conn.url} is hidden
 * entirely, and one that quotes such a secret of {@value #SHORTEST_QUOTED_SECRET} characters or more has it
 * replaced ({@code password: ${ORDERS_DB_PASSWORD}} leaves the value under {@code ORDERS_DB_PASSWORD}
 * in the system environment, which no key rule can know). The auto-configuration gives it {@link BoundPropertySecrets},
 * which works the secrets out once, not for each property an endpoint shows.
 */
final class PgConnSanitizingFunction implements SanitizingFunction {

    /** A shorter secret is hidden only where it is a whole value: inside others it would mask ordinary text. */
    static final int SHORTEST_QUOTED_SECRET = 4;

    private static final Set<String> SECRET_KEYS = Set.of("pgconnpassword", "pgconnsslkeypassword");

    private static final String URL_KEY = "pgconnurl";

    private final Supplier<Collection<String>> secrets;

    /** Hides the secret keys and the URL's password only. */
    PgConnSanitizingFunction() {
        this(List::of);
    }

    /** @param secrets the secrets' current values (the bound properties'), hidden under any key */
    PgConnSanitizingFunction(Supplier<Collection<String>> secrets) {
        this.secrets = secrets;
    }

    /** The secrets hidden under any key, as they are now. */
    Collection<String> secrets() {
        return this.secrets.get();
    }

    @Override
    public SanitizableData apply(SanitizableData data) {
        String key = relaxed(data.getKey());
        if (SECRET_KEYS.contains(key)) {
            return data.withSanitizedValue();
        }
        if (URL_KEY.equals(key) && data.getValue() != null) {
            return data.withValue(ConnectionStringSecrets.maskUrl(String.valueOf(data.getValue())));
        }
        if (data.getValue() instanceof CharSequence value) {
            return hideSecretValues(data, value.toString());
        }
        return data;
    }

    private SanitizableData hideSecretValues(SanitizableData data, String value) {
        String hidden = value;
        for (String secret : secrets()) {
            if (secret.isEmpty()) {
                continue;
            }
            if (secret.equals(value)) {
                return data.withSanitizedValue();
            }
            if (secret.length() >= SHORTEST_QUOTED_SECRET) {
                hidden = hidden.replace(secret, ConnectionStringSecrets.MASK);
            }
        }
        return hidden.equals(value) ? data : data.withValue(hidden);
    }

    private static String relaxed(String key) {
        StringBuilder name = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                name.append(c);
            }
        }
        return name.toString().toLowerCase(Locale.ROOT);
    }
}
