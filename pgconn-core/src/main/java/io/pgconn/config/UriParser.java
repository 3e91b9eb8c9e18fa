package io.pgconn.config;

import io.pgconn.PgConfigException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * libpq's URI form ({@code conninfo_uri_parse_options}):
 * {@code postgresql://[user[:password]@][host[:port][,...]][/dbname][?key=value&...]}.
 *
 * <p>As in libpq, the host and port lists are kept as comma lists (so {@code postgresql://,h2}
 * is "default host, then h2"), IPv6 literals are bracketed, and every part is percent-decoded,
 * {@code %00} being forbidden. As in libpq, an unknown query parameter is an error (docs/lifecycle.md §6);
 * unlike libpq, a {@code ?key=value} before the first {@code @} starts the query,
 * so an {@code @} in a query value is not mistaken for the end of the user-info. Error messages
 * never quote the URI, since it may hold a password.
 *
 * @see <a href="https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS">libpq connection URIs</a>
 */
final class UriParser {

    private static final String[] PREFIXES = {"postgresql://", "postgres://"};

    private UriParser() {
    }

    static boolean isUri(String s) {
        return s.startsWith(PREFIXES[0]) || s.startsWith(PREFIXES[1]);
    }

    static List<Map.Entry<String, String>> parse(String uri) {
        int p = uri.startsWith(PREFIXES[0]) ? PREFIXES[0].length() : PREFIXES[1].length();
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        int afterScheme = p;
        p = parseUserInfo(uri, p, pairs);
        boolean userInfo = p != afterScheme;
        refuseAtSignInNetloc(uri, p);

        // netloc: host[:port] entries separated by commas
        StringBuilder hosts = new StringBuilder();
        StringBuilder ports = new StringBuilder();
        boolean portGiven = false;
        char terminator;
        while (true) {
            if (p < uri.length() && uri.charAt(p) == '[') {
                int close = uri.indexOf(']', p + 1);
                if (close < 0) {
                    throw error("end of string reached when looking for matching \"]\" in IPv6 host address in URI");
                }
                if (close == p + 1) {
                    throw error("IPv6 host address may not be empty in URI");
                }
                hosts.append(uri, p + 1, close);
                p = close + 1;
                if (p < uri.length() && ":/?,".indexOf(uri.charAt(p)) < 0) {
                    throw error("unexpected character \"" + SafeText.excerpt(String.valueOf(uri.charAt(p))) + "\" at position " + (p + 1)
                            + " in URI (expected \":\", \"/\", \"?\" or \",\" after \"]\")");
                }
            } else {
                int start = p;
                p = scanTo(uri, p, ":/?,");
                hosts.append(uri, start, p);
            }
            terminator = charAt(uri, p);
            if (terminator == ':') {
                portGiven = true;
                int start = ++p;
                p = scanTo(uri, p, "/?,");
                ports.append(uri, start, p);
                terminator = charAt(uri, p);
            }
            if (terminator != ',') {
                break;
            }
            p++;
            hosts.append(',');
            ports.append(',');
        }
        if (hosts.length() > 0) {
            pairs.add(Map.entry("host", decode(hosts.toString(), "host", false)));
        }
        if (!userInfo && portGiven && terminator == '/' && uri.substring(p, scanTo(uri, p, "?")).indexOf('@') >= 0) {
            throw PgConfigException.ofSetting("password", null, SLASH_IN_PASSWORD);
        }
        if (ports.length() > 0) {
            pairs.add(Map.entry("port", decode(ports.toString(), "port", false)));
        }
        if (terminator == '/') {
            int start = ++p;
            p = scanTo(uri, p, "?");
            // an empty path sets nothing, so PGDATABASE still applies (libpq)
            if (p > start) {
                pairs.add(Map.entry("dbname", decode(uri.substring(start, p), "dbname", false)));
            }
            terminator = charAt(uri, p);
        }
        if (terminator == '?') {
            parseQuery(uri.substring(p + 1), pairs);
        }
        return pairs;
    }

    /**
     * {@code user[:password]@}, if there is an {@code @} before the path: libpq's look-ahead, so a
     * password holding {@code ?} ({@code app:pa?ss@db}) is read as libpq reads it — except that a
     * {@code ?} followed by a {@code key=value} before the {@code @} starts the query
     * ({@code host?application_name=x@y}), where libpq would take {@code host?application_name=x}
     * for the user.
     */
    private static int parseUserInfo(String uri, int start, List<Map.Entry<String, String>> pairs) {
        int at = scanTo(uri, start, "@/");
        if (charAt(uri, at) != '@') {
            return start;
        }
        int query = uri.indexOf('?', start);
        if (query >= 0 && query < at && uri.substring(query + 1, at).indexOf('=') >= 0) {
            return start;
        }
        String userInfo = uri.substring(start, at);
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        if (!user.isEmpty()) {
            pairs.add(Map.entry("user", decode(user, "user", false)));
        }
        if (colon >= 0 && colon + 1 < userInfo.length()) {
            pairs.add(Map.entry("password", decode(userInfo.substring(colon + 1), "password", true)));
        }
        return at + 1;
    }

    /**
     * An {@code @} left between the user-info and the path: the password held an unescaped {@code @}, and
     * its tail would become a host name or port and be quoted by every message naming them. libpq reads it
     * as a host; pgconn refuses it, without quoting any of it ({@link HostSpec#refuseAtSign}).
     */
    private static void refuseAtSignInNetloc(String uri, int start) {
        int end = scanTo(uri, start, "/?");
        int at = uri.indexOf('@', start);
        if (at >= 0 && at < end) {
            throw PgConfigException.ofSetting("host", null, HostSpec.AT_SIGN_IN_HOST);
        }
    }

    /**
     * For a URI without user-info whose host list has a ':' and whose path holds an '@': the user-info ends at the first
     * '/' or '@' (libpq), so {@code postgresql://alice:pa/ss@db/app} — a password holding an unescaped '/', as base64
     * passwords do — reads as host {@code alice}, port {@code pa} and database {@code ss@db/app}: libpq quotes the head as
     * the port, or, when it is empty or a number ({@code alice:/ss@db}, {@code alice:12/ss@db}), dials {@code alice} and
     * sends the tail as the database name, which the server's error echoes. Refused without quoting any of it
     * (PARITY-19, REVIEW-19 M1); a database name holding '@' in such a URI is written {@code %40}.
     */
    static final String SLASH_IN_PASSWORD = "invalid URI: an '@' in the database part of a URI without user-info, after a"
            + " host:port (not quoted: this is how a password holding an unescaped '/' reads, its head as the port and its"
            + " tail as the database); percent-encode '/' in a user name or password as %2F, and '@' in a database name as %40";

    private static void parseQuery(String query, List<Map.Entry<String, String>> pairs) {
        String[] params = query.split("&", -1);
        for (int i = 0; i < params.length; i++) {
            String param = params[i];
            if (param.isEmpty() && i == params.length - 1) {
                continue; // "host?" and "a=1&" end with an empty parameter, as libpq allows
            }
            int eq = param.indexOf('=');
            if (eq < 0) {
                // a parameter holding '@' may be the tail of a password whose '?' and '=' moved it here: not quoted
                throw error("missing key/value separator \"=\" in URI query parameter"
                        + (param.indexOf('@') >= 0 ? " (not quoted: it holds an '@'; percent-encode '?', '=' and '@' in a password"
                        + " as %3F, %3D and %40)" : ": \"" + SafeText.excerpt(param) + "\""));
            }
            String rawKey = param.substring(0, eq);
            if (param.indexOf('=', eq + 1) >= 0) {
                throw error("extra key/value separator \"=\" in URI query parameter: \"" + SafeText.excerpt(rawKey) + "\"");
            }
            String key = decode(rawKey, "query parameter name", false);
            String value = decode(param.substring(eq + 1), key, ConnectionStringParser.isSecret(key));
            if ("ssl".equals(key)) {
                // libpq's JDBC compatibility: ssl=true means sslmode=require
                if (!"true".equals(value)) {
                    throw SafeText.settingError("ssl", value, "invalid ssl value: \"" + SafeText.excerpt(value) + "\" (only ssl=true is accepted; use sslmode)");
                }
                pairs.add(Map.entry("sslmode", "require"));
            } else {
                pairs.add(Map.entry(key, value));
            }
        }
    }

    /**
     * Percent-decodes {@code text} as UTF-8, as libpq 18 does: spaces around the part are dropped, a space
     * inside it is an error (write {@code %20}), and {@code %00} is forbidden (values end up in C strings
     * on the server side). For secrets the message does not show the offending token.
     */
    static String decode(String raw, String part, boolean secret) {
        String text = stripSpaces(raw);
        // part is a keyword, a label, or the decoded name of an unknown query parameter: any text, so shown as any text is
        String name = SafeText.excerpt(part);
        if (text.indexOf(' ') >= 0) {
            throw error(part, raw, "unexpected spaces found in " + (secret ? "the " + name : "\"" + SafeText.excerpt(text) + "\"")
                    + " in URI; use percent-encoded spaces (%20) instead");
        }
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length()) {
            int percent = text.indexOf('%', i);
            int end = percent < 0 ? text.length() : percent;
            bytes.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
            if (percent < 0) {
                break;
            }
            int hi = percent + 2 < text.length() ? hexDigit(text.charAt(percent + 1)) : -1;
            int lo = hi >= 0 ? hexDigit(text.charAt(percent + 2)) : -1;
            if (lo < 0) {
                String token = text.substring(percent, Math.min(percent + 3, text.length()));
                throw error(part, text, "invalid percent-encoded token" + (secret ? "" : " \"" + SafeText.excerpt(token) + "\"") + " in " + name);
            }
            int b = hi * 16 + lo;
            if (b == 0) {
                throw error(part, text, "forbidden value %00 in percent-encoded value of " + name);
            }
            bytes.write(b);
            i = percent + 3;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw error(part, text, "percent-encoded value of " + name + " is not valid UTF-8");
        }
    }

    /**
     * An ASCII hex digit's value, else -1 — as libpq's {@code get_hexdigit}; not {@link Character#digit}, which
     * also reads Arabic-Indic or full-width digits ({@code %٣٣} would be '3').
     */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /** {@code s} without the spaces (only ' ', as libpq) at either end. */
    private static String stripSpaces(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == ' ') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == ' ') {
            end--;
        }
        return s.substring(start, end);
    }

    private static int scanTo(String s, int i, String stops) {
        while (i < s.length() && stops.indexOf(s.charAt(i)) < 0) {
            i++;
        }
        return i;
    }

    private static char charAt(String s, int i) {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private static PgConfigException error(String message) {
        return new PgConfigException(null, message);
    }

    /** An error in the encoded value of one part; {@code part} is its keyword unless it is a query parameter's name. */
    private static PgConfigException error(String part, String encoded, String message) {
        return Keywords.isKeyword(part) ? SafeText.settingError(part, encoded, message) : error(message);
    }
}
