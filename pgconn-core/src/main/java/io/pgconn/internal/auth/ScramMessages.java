package io.pgconn.internal.auth;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgProtocolException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Strict parsing of the two server messages of SCRAM
 * (<a href="https://www.rfc-editor.org/rfc/rfc5802#section-7">RFC 5802 §7</a>), in the order and
 * with the attributes PostgreSQL sends. Text the server cannot have meant (grammar violations)
 * is a {@link PgProtocolException}; well-formed content that fails a security check is a
 * {@link PgAuthenticationException}.
 */
final class ScramMessages {

    /** Parsed server-first-message; {@code message} is kept verbatim for the AuthMessage. */
    record ServerFirst(String message, String nonce, byte[] salt, int iterations) {
    }

    private ScramMessages() {
    }

    /** {@code r=<nonce>,s=<salt>,i=<iterations>}, checked against the client nonce and iteration bounds. */
    static ServerFirst parseServerFirst(String host, byte[] bytes, String clientNonce, int minIterations,
                                        int maxIterations) {
        String message = printableAscii(host, bytes, "server-first-message");
        String[] attributes = message.split(",", -1);
        if (attributes[0].startsWith("m=")) {
            throw new PgAuthenticationException(host,
                    "server " + host + " requires an unsupported mandatory SCRAM extension (m=) in server-first-message");
        }
        String nonce = attribute(host, attributes, 0, 'r', "server-first-message");
        String salt = attribute(host, attributes, 1, 's', "server-first-message");
        String iterations = attribute(host, attributes, 2, 'i', "server-first-message");
        if (attributes.length > 3) {
            throw malformed(host, "unexpected attribute after i= in server-first-message: " + quote(attributes[3]));
        }
        if (nonce.length() <= clientNonce.length() || !nonce.startsWith(clientNonce)) {
            throw new PgAuthenticationException(host, "SCRAM nonce of server " + host + " does not extend the client nonce"
                    + " (it must start with the client's nonce and add its own): possible replay or impersonation");
        }
        return new ServerFirst(message, nonce, salt(host, salt), iterations(host, iterations, minIterations, maxIterations));
    }

    /**
     * The ServerSignature of {@code v=<base64>}; {@code e=<error>} is the server reporting that
     * it rejected the exchange.
     */
    static byte[] parseServerFinal(String host, byte[] bytes) {
        String message = new String(bytes, StandardCharsets.UTF_8);
        if (message.startsWith("e=")) {
            throw new PgAuthenticationException(host, "server " + host + " reported SCRAM error: " + quote(message.substring(2)));
        }
        String[] attributes = message.split(",", -1);
        String verifier = attribute(host, attributes, 0, 'v', "server-final-message");
        if (attributes.length > 1) {
            throw malformed(host, "unexpected attribute after v= in server-final-message: " + quote(attributes[1]));
        }
        try {
            return Base64.getDecoder().decode(verifier);
        } catch (IllegalArgumentException e) {
            throw malformed(host, "server signature (v=) is not valid base64");
        }
    }

    /** {@code saslname} of RFC 5802 §5.1: '=' and ',' escaped. */
    static String saslName(String username) {
        return username.replace("=", "=3D").replace(",", "=2C");
    }

    private static String attribute(String host, String[] attributes, int index, char name, String where) {
        if (index >= attributes.length) {
            throw malformed(host, "missing attribute " + name + "= in " + where);
        }
        String attribute = attributes[index];
        if (attribute.length() < 2 || attribute.charAt(0) != name || attribute.charAt(1) != '=') {
            throw malformed(host, "expected attribute " + name + "= at position " + (index + 1) + " of " + where
                    + ", got " + quote(attribute));
        }
        String value = attribute.substring(2);
        if (value.isEmpty()) {
            throw malformed(host, "empty attribute " + name + "= in " + where);
        }
        return value;
    }

    private static byte[] salt(String host, String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw malformed(host, "SCRAM salt (s=) is not valid base64: " + quote(base64));
        }
    }

    private static int iterations(String host, String text, int min, int max) {
        if (!text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw malformed(host, "SCRAM iteration count (i=) is not a number: " + quote(text));
        }
        // More than 10 digits cannot fit an int; treat as "too large" rather than overflowing.
        long value = text.length() > 10 ? Long.MAX_VALUE : Long.parseLong(text);
        if (value < min) {
            // PostgreSQL 16+ stores verifiers with any scram_iterations; a low count makes a stolen verifier cheap to crack
            throw new PgAuthenticationException(host, "server " + host + " sent a SCRAM iteration count of " + value
                    + ", below minScramIterations=" + min + " (a weak password verifier, e.g. made with scram_iterations="
                    + value + " on PostgreSQL 16+); to connect anyway, set minScramIterations=" + value + " or lower");
        }
        if (value > max) {
            String count = text.length() <= 20 ? text : quote(text); // digits only; a very long run is cut by quote()
            throw new PgAuthenticationException(host, "server " + host + " sent a SCRAM iteration count of " + count
                    + ", above maxScramIterations=" + max + " (the cap on the work a server can make the client do)"
                    + (value == Long.MAX_VALUE ? "" : "; to connect anyway, set maxScramIterations=" + value + " or higher"));
        }
        return (int) value;
    }

    private static String printableAscii(String host, byte[] bytes, String where) {
        for (byte b : bytes) {
            if (b < 0x21 || b > 0x7e) {
                throw malformed(host, where + " contains a byte outside printable ASCII (0x"
                        + Integer.toHexString(b & 0xff) + ")");
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** Server text echoed in messages: bounded and with control characters escaped. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        text.codePoints().limit(64).forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append(text.codePointCount(0, text.length()) > 64 ? "...\"" : "\"").toString();
    }

    private static PgProtocolException malformed(String host, String detail) {
        return new PgProtocolException(host, "malformed SCRAM message from " + host + ": " + detail);
    }
}
