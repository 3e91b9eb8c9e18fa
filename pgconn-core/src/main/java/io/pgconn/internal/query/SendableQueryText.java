package io.pgconn.internal.query;

import io.pgconn.PgConfigException;
import io.pgconn.codec.SendableText;
import io.pgconn.internal.protocol.frontend.Bind;

/**
 * The one check of a query text before anything of it is sent, with the host: a NUL, which PostgreSQL would read as
 * the text's end; an unpaired UTF-16 surrogate, which UTF-8 cannot encode (it would run with a '?' there); and a text
 * whose UTF-8 form is too long for the one message that carries it (a Parse or a Query: PostgreSQL reads at most 1 GB
 * in one and closes the session without a word on a longer one), found from its length without encoding it
 * ({@link SendableText#utf8LongerThan}). For {@code query}/{@code statement}, {@code simpleQuery},
 * {@code copyIn}/{@code copyOut} and a script's statements; the frontend messages keep their own check of the
 * characters, without a host, as the backstop. The text itself is never shown.
 */
public final class SendableQueryText {

    /**
     * The longest query text, in UTF-8 bytes, that leaves room in one message for a Parse's framing at its largest: the
     * length word, a statement name (at most NAMEDATALEN, 64, the server keeps), two NULs, the parameter count and 65,535
     * parameter type OIDs. A Query's framing is smaller.
     */
    static final long MAX_BYTES = Bind.MAX_LENGTH - (4 + 64 + 2 + 2 + 4L * SqlScanner.MAX_PARAMETERS);

    private SendableQueryText() {
    }

    /** @throws PgConfigException naming {@code which} (the text's name in the message), the index or size and {@code host} */
    public static void require(String host, String sql, String which) {
        if (sendable(sql, MAX_BYTES)) {
            return; // every statement passes here: its refusal's message is made only for a text refused
        }
        throw refusal(host, sql, which, "the statement was not sent to " + host, MAX_BYTES);
    }

    /** Whether {@code sql} can be sent: the checks of {@link #refusal}, nothing built. */
    static boolean sendable(String sql, long maxBytes) {
        return sql.indexOf('\0') < 0 && SendableText.unpairedSurrogate(sql) < 0 && !SendableText.utf8LongerThan(sql, maxBytes);
    }

    /**
     * Why {@code sql} cannot be sent, or null: {@code which} names the text (never shown), {@code notSent} ends the
     * message; {@code maxBytes} is {@link #MAX_BYTES} but in tests.
     */
    static PgConfigException refusal(String host, String sql, String which, String notSent, long maxBytes) {
        int nul = sql.indexOf('\0');
        if (nul >= 0) {
            return new PgConfigException(host, which + " contains a NUL character (at index " + nul
                    + "), which PostgreSQL would read as its end; " + notSent);
        }
        int surrogate = SendableText.unpairedSurrogate(sql);
        if (surrogate >= 0) {
            return new PgConfigException(host, which + " contains an unpaired UTF-16 surrogate (at index " + surrogate
                    + "), which UTF-8 has no encoding for (it would run with a '?' there); " + notSent);
        }
        if (SendableText.utf8LongerThan(sql, maxBytes)) {
            return new PgConfigException(host, which + " (" + sql.length() + " characters) takes more than " + maxBytes
                    + " bytes in UTF-8, more than the one message that carries it may hold (PostgreSQL reads at most 1 GB in"
                    + " one message and closes the session on a longer one); " + notSent);
        }
        return null;
    }
}
