package io.pgconn.internal.auth;

import com.ongres.saslprep.SASLprep;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Password normalisation for SCRAM exactly as PostgreSQL does it ({@code src/common/saslprep.c},
 * used by both libpq and the server when it stores a SCRAM secret), on top of the
 * <a href="https://www.rfc-editor.org/rfc/rfc4013">RFC 4013</a> implementation from
 * {@code com.ongres.stringprep}.
 *
 * <p>PostgreSQL's rules, which must match or the derived keys differ from the stored secret:
 * <ul>
 *   <li>pure ASCII is used as is (no check for control characters);</li>
 *   <li>otherwise SASLprep with the <em>stored-string</em> profile: PostgreSQL rejects
 *       unassigned code points, so the query-string profile would normalise passwords the
 *       server kept raw;</li>
 *   <li>any prohibited output, and a password that maps to nothing, falls back to the raw
 *       UTF-8 bytes — SCRAM then works with whatever bytes the server hashed.</li>
 * </ul>
 */
public final class SaslPrep {

    private static final SASLprep PROFILE = new SASLprep();

    private SaslPrep() {
    }

    /** The bytes to feed into SCRAM's Hi() for {@code password}; a fresh array the caller may zero. */
    public static byte[] normalize(String password) {
        char[] chars = password.toCharArray();
        try {
            if (isAscii(chars)) {
                return utf8(chars);
            }
            char[] prepared;
            try {
                prepared = PROFILE.prepareStored(chars);
            } catch (IllegalArgumentException prohibited) {
                return utf8(chars);
            } catch (IndexOutOfBoundsException mappedToNothing) {
                // stringprep 2.2 indexes the first character in its bidi check even when mapping
                // left none; PostgreSQL treats an empty result as invalid, i.e. raw bytes.
                return utf8(chars);
            }
            try {
                return prepared.length == 0 ? utf8(chars) : utf8(prepared);
            } finally {
                Arrays.fill(prepared, '\0');
            }
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    private static boolean isAscii(char[] chars) {
        for (char c : chars) {
            if (c >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static byte[] utf8(char[] chars) {
        // Encode without an intermediate String, so the only copies are ones we can zero.
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] out = new byte[encoded.remaining()];
        encoded.get(out);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return out;
    }
}
