package io.pgconn.internal.session;

import io.pgconn.PgProtocolException;

import java.util.Locale;

/**
 * The one {@code client_encoding} an established session can have. pgconn sends
 * {@code client_encoding=UTF8} at startup and reads and writes text as UTF-8 only; after a
 * {@code SET client_encoding TO 'LATIN1'} (libpq follows it) every text would be wrong in both
 * directions without an error — read as U+FFFD, sent as bytes the server reads in the other
 * encoding. The server's ParameterStatus naming another encoding therefore ends the session
 * (docs/lifecycle.md §4, §9): nothing read after it is trusted. At startup the same test fails the
 * connect ({@code StartupHandshake}).
 */
public final class ClientEncodingCheck {

    private ClientEncodingCheck() {
    }

    /**
     * Throws when the ParameterStatus {@code name}={@code value} moved the session off UTF-8 (the
     * server's names for it, case and punctuation ignored, keep it).
     */
    static void requireUtf8(String host, String name, String value) {
        if (!"client_encoding".equals(name)) {
            return;
        }
        if (!isUtf8(value)) {
            throw new PgProtocolException(host, "server " + host + " reported client_encoding " + value
                    + " (a SET client_encoding?): pgconn reads and writes text as UTF8 only, so the session was ended;"
                    + " convert in SQL instead (convert_to(text, 'LATIN1') gives the bytes)");
        }
    }

    /** Whether {@code encoding} is one of the server's names for UTF-8 (case and punctuation ignored). */
    public static boolean isUtf8(String encoding) {
        if ("UTF8".equals(encoding)) {
            return true; // what the server reports for the client_encoding=UTF8 every startup sends: no copy, no regex
        }
        String normalised = lettersAndDigits(encoding).toLowerCase(Locale.ROOT);
        return "utf8".equals(normalised) || "unicode".equals(normalised);
    }

    /**
     * {@code name} without its punctuation (what {@code replaceAll("[^A-Za-z0-9]", "")} gave, without compiling a
     * pattern on every call: this runs for each session's ParameterStatus and each parsed configuration).
     */
    public static String lettersAndDigits(String name) {
        StringBuilder kept = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
                kept.append(c);
            }
        }
        return kept.toString();
    }
}
