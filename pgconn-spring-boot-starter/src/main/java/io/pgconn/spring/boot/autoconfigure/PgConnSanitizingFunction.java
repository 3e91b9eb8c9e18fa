package io.pgconn.spring.boot.autoconfigure;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

import java.util.Locale;
import java.util.Set;

/**
 * Hides pgconn's secrets in the {@code env} and {@code configprops} endpoints even when
 * {@code show-values} lets other values through (Boot 4 masks every value by default, and
 * applies sanitizing functions only to values it would show): {@code pg.conn.password} and
 * {@code pg.conn.ssl.key-password} entirely, and in {@code pg.conn.url} only the password
 * (URI user info, {@code password=} and {@code sslpassword=}), so hosts and options stay
 * readable. Keys match in any relaxed form ({@code PG_CONN_PASSWORD}, {@code pg.conn.ssl.keyPassword}).
 */
final class PgConnSanitizingFunction implements SanitizingFunction {

    private static final Set<String> SECRET_KEYS = Set.of("pgconnpassword", "pgconnsslkeypassword");

    private static final String URL_KEY = "pgconnurl";

    @Override
    public SanitizableData apply(SanitizableData data) {
        String key = relaxed(data.getKey());
        if (SECRET_KEYS.contains(key)) {
            return data.withSanitizedValue();
        }
        if (URL_KEY.equals(key) && data.getValue() != null) {
            return data.withValue(ConnectionStringSecrets.maskUrl(String.valueOf(data.getValue())));
        }
        return data;
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
