package io.pgconn.spring.boot.autoconfigure.pgjdbc;

import io.pgconn.config.ChannelBindingMode;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.config.SslMode;
import io.pgconn.config.SslNegotiation;
import io.pgconn.spring.boot.autoconfigure.InvalidPgConnPropertyException;
import org.jspecify.annotations.Nullable;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A pgjdbc URL for migrations, from a factory's {@link ConnConfig}: every host in order, the database, always
 * {@code targetServerType=primary} (migrations write, whatever {@code target_session_attrs} the factory has), and
 * the TLS settings pgjdbc spells alike ({@code sslmode}, {@code sslrootcert}, {@code sslNegotiation},
 * {@code channelBinding}), and what the factory's StartupMessage carries besides: {@code search_path} as
 * {@code currentSchema} (pgjdbc sends it as {@code search_path}), {@code options} as {@code options}, each other
 * startup parameter appended to those options as {@code -c name=value} (the server reads both alike; the
 * StartupMessage's own parameters win over {@code options} in pgconn's session and in pgjdbc's), all but the
 * statement and session timeouts ({@code statement_timeout}, {@code lock_timeout},
 * {@code idle_in_transaction_session_timeout}, {@code idle_session_timeout}, {@code transaction_timeout}: the
 * application's bounds, not a migration's). Never the password
 * nor the user: they travel as the connection details' own fields. A setting pgjdbc cannot take from a URL the
 * same way (an SSL bundle, a client certificate or key, which pgjdbc reads in other formats,
 * {@code sslrootcert=system}, a Unix socket, a CRL, a {@code TimeZone} or {@code DateStyle}, which pgjdbc sets
 * itself in its StartupMessage and so overrides, a {@code _pq_.} protocol option) is refused with the property that
 * set it, rather than migrating over a weaker connection, or in another schema or time zone, than the
 * application's.
 */
public final class PgjdbcUrl {

    /** What pgjdbc's StartupMessage sets itself (after any {@code options}, so the server keeps pgjdbc's value). */
    private static final Set<String> PGJDBC_SETS = Set.of("timezone", "datestyle");

    /**
     * Bounds the application sets on its own statements and sessions (REVIEW-23 R23-2): not carried, so a migration
     * (a {@code CREATE INDEX}, a backfill) runs unbounded, as on pgjdbc alone, rather than failing start-up with
     * 57014; {@code spring.flyway.init-sqls} or {@code SET} in a migration bounds it where wanted.
     */
    private static final Set<String> BOUNDS = Set.of("statement_timeout", "lock_timeout",
            "idle_in_transaction_session_timeout", "idle_session_timeout", "transaction_timeout");

    private PgjdbcUrl() {
    }

    /**
     * {@code sslBundle}: {@code pg.conn.ssl.bundle}, or {@code null}; {@code tool}: the prefix of the migration
     * tool's own settings ({@code spring.flyway}, {@code spring.liquibase}), which a refusal names.
     */
    public static String of(ConnConfig config, @Nullable String sslBundle, String tool) {
        refuse("pg.conn.ssl.bundle", sslBundle, "no SSL bundle: pgjdbc takes the trust store as a file "
                + "(pg.conn.ssl.root-cert); or set " + tool + ".url/user/password");
        refuse("pg.conn.ssl.cert (sslcert)", config.sslCert(), "no client certificate: pgjdbc reads its key in other formats "
                + "(PKCS#8 DER, PKCS#12); set " + tool + ".url/user/password");
        refuse("pg.conn.ssl.key (sslkey)", config.sslKey(), "no client key (see pg.conn.ssl.cert); set " + tool + ".url/user/password");
        refuse("pg.conn.url (sslcrl)", config.sslCrl(), "no CRL: pgjdbc has no such setting; set " + tool + ".url/user/password");
        refuse("pg.conn.url (sslcrldir)", config.sslCrlDir(), "no CRL directory: pgjdbc has no such setting; "
                + "set " + tool + ".url/user/password");
        if ("system".equals(config.sslRootCert())) {
            throw new InvalidPgConnPropertyException("pg.conn.ssl.root-cert", "system",
                    "a PEM file for migrations: pgjdbc has no sslrootcert=system; or set " + tool + ".url/user/password",
                    null);
        }
        StringBuilder url = new StringBuilder("jdbc:postgresql://");
        List<String> hosts = new ArrayList<>();
        for (HostSpec host : config.hosts()) {
            if (host.isUnixSocket()) {
                throw new InvalidPgConnPropertyException("pg.conn.hosts", host.label(),
                        "TCP hosts for migrations: pgjdbc does not dial Unix sockets; set " + tool + ".url/user/password",
                        null);
            }
            // the name, as libpq checks it against the certificate: pgjdbc has no hostaddr and resolves it itself
            String name = host.host();
            hosts.add((name.indexOf(':') >= 0 ? "[" + name + "]" : name) + ":" + host.port());
        }
        url.append(String.join(",", hosts)).append('/');
        if (config.database() != null) {
            url.append(encode(config.database()));
        }
        url.append("?targetServerType=primary");
        SslMode mode = config.sslMode();
        if (mode != null) {
            url.append("&sslmode=").append(mode.libpqName());
        }
        if (config.sslRootCert() != null) {
            url.append("&sslrootcert=").append(encode(config.sslRootCert()));
        }
        if (config.sslNegotiation() == SslNegotiation.DIRECT) {
            url.append("&sslNegotiation=direct");
        }
        ChannelBindingMode channelBinding = config.channelBinding();
        if (channelBinding != ChannelBindingMode.PREFER) {
            url.append("&channelBinding=").append(channelBinding.libpqName());
        }
        appendSession(url, config, tool);
        return url.toString();
    }

    /**
     * {@code currentSchema} and {@code options} from the factory's options and startup parameters, without the
     * per-statement and per-session bounds ({@link #BOUNDS}).
     */
    private static void appendSession(StringBuilder url, ConnConfig config, String tool) {
        List<String> carried = new ArrayList<>();
        List<String> words = optionWords(config.options() == null ? "" : config.options());
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            boolean separate = word.equals("-c") && i + 1 < words.size();
            String setting = separate ? words.get(i + 1)
                    : word.startsWith("--") ? word.substring(2) : word.startsWith("-c") ? word.substring(2) : null;
            String given = setting == null ? null : setting.split("=", 2)[0];
            String name = given == null ? null : gucName(given);
            if (name != null && PGJDBC_SETS.contains(name)) {
                throw new InvalidPgConnPropertyException("pg.conn.url (options)", given, "no " + given + " in options "
                        + "for migrations: pgjdbc sets it in its StartupMessage, which the server prefers to options; set "
                        + tool + ".url/user/password", null);
            }
            if (name != null && BOUNDS.contains(name)) {
                i += separate ? 1 : 0;
                continue;
            }
            carried.add(escapeOption(word));
        }
        String searchPath = null;
        for (Map.Entry<String, String> parameter : config.startupParameters().entrySet()) {
            String name = gucName(parameter.getKey());
            String property = "pg.conn.startup-parameters[" + parameter.getKey() + "]";
            if (PGJDBC_SETS.contains(name)) {
                throw new InvalidPgConnPropertyException(property, null, "no " + parameter.getKey() + " for migrations: "
                        + "pgjdbc sets its own in its StartupMessage; set " + tool + ".url/user/password", null);
            }
            if (name.startsWith("_pq_.")) {
                throw new InvalidPgConnPropertyException(property, null, "no protocol option for migrations: pgjdbc "
                        + "sends none; set " + tool + ".url/user/password", null);
            }
            if (name.equals("search_path")) {
                searchPath = parameter.getValue();
            } else if (!BOUNDS.contains(name)) {
                carried.add("-c");
                carried.add(escapeOption(parameter.getKey()) + "=" + escapeOption(parameter.getValue()));
            }
        }
        if (searchPath != null) {
            url.append("&currentSchema=").append(encode(searchPath));
        }
        if (!carried.isEmpty()) {
            url.append("&options=").append(encode(String.join(" ", carried)));
        }
    }

    /** A setting's name as the server matches it: case-insensitive, {@code -} read as {@code _} (as in {@code --name}). */
    private static String gucName(String name) {
        return name.toLowerCase(Locale.ROOT).replace('-', '_');
    }

    /** {@code options} split as the server splits them: at unescaped white space, a backslash taking the next character as is. */
    private static List<String> optionWords(String options) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < options.length(); i++) {
            char c = options.charAt(i);
            if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                continue;
            }
            inWord = true;
            if (c == '\\' && i + 1 < options.length()) {
                c = options.charAt(++i);
            }
            word.append(c);
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** As the server splits {@code options}: a backslash before white space and before a backslash. */
    private static String escapeOption(String value) {
        StringBuilder escaped = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || Character.isWhitespace(c)) {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    private static void refuse(String property, @Nullable Object value, String expected) {
        if (value != null) {
            throw new InvalidPgConnPropertyException(property, value.toString(), expected, null);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
