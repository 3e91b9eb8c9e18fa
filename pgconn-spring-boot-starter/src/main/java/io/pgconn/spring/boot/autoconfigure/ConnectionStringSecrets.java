package io.pgconn.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds and hides passwords in libpq connection strings and in text that may quote one (a parser's
 * error message): the URI user info's password, {@code password=} and {@code sslpassword=}.
 */
final class ConnectionStringSecrets {

    static final String MASK = "******";

    /** {@code scheme://user:password@}: the password ends at the last {@code @} before the host list. */
    private static final Pattern URI_PASSWORD = Pattern.compile("(://[^/?#@:\\s\"]*:)([^/?#\\s\"]*)(@)");

    /** {@code password=} or {@code sslpassword=} in a URI query or a key=value string, quoted or not. */
    private static final Pattern PARAMETER_PASSWORD = Pattern.compile(
            "(?i)(\\b(?:ssl)?password\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'?|[^\\s&\"]*)");

    private ConnectionStringSecrets() {
    }

    /** {@code text} with every connection-string password replaced by {@value #MASK}. */
    static String mask(String text) {
        String masked = URI_PASSWORD.matcher(text).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "$3");
        return PARAMETER_PASSWORD.matcher(masked).replaceAll("$1" + Matcher.quoteReplacement(MASK));
    }

    /** Passwords written in {@code connectionString}, as written and percent-decoded. */
    static List<String> passwordsIn(@Nullable String connectionString) {
        List<String> found = new ArrayList<>();
        if (connectionString == null) {
            return found;
        }
        Matcher uri = URI_PASSWORD.matcher(connectionString);
        while (uri.find()) {
            addWithDecoded(found, uri.group(2));
        }
        Matcher parameter = PARAMETER_PASSWORD.matcher(connectionString);
        while (parameter.find()) {
            String value = parameter.group(2);
            addWithDecoded(found, value.startsWith("'") ? value.substring(1).replaceAll("'$", "") : value);
        }
        return found;
    }

    /** {@code text} with each of {@code secrets} and every connection-string password hidden. */
    static String hide(String text, Collection<String> secrets) {
        String hidden = text;
        for (String secret : secrets) {
            if (!secret.isEmpty()) {
                hidden = hidden.replace(secret, MASK);
            }
        }
        return mask(hidden);
    }

    private static void addWithDecoded(List<String> found, String value) {
        if (value.isEmpty()) {
            return;
        }
        found.add(value);
        try {
            found.add(URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            // not valid percent-encoding: the raw text is all a message can quote
        }
    }
}
