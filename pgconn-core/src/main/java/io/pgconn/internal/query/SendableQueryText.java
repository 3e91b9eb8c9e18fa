package io.pgconn.internal.query;

import io.pgconn.PgConfigException;
import io.pgconn.internal.protocol.frontend.Utf8Text;

/**
 * The one check of a query text before anything of it is sent, with the host: a NUL, which PostgreSQL would read as
 * the text's end, and an unpaired UTF-16 surrogate, which UTF-8 cannot encode (it would run with a '?' there). For
 * {@code query}/{@code statement}, {@code simpleQuery} and {@code copyIn}/{@code copyOut}; the frontend messages keep
 * their own check, without a host, as the backstop.
 */
public final class SendableQueryText {

    private SendableQueryText() {
    }

    /** @throws PgConfigException naming {@code which} (the text's name in the message), the index and {@code host} */
    public static void require(String host, String sql, String which) {
        int nul = sql.indexOf('\0');
        if (nul >= 0) {
            throw new PgConfigException(host, which + " contains a NUL character (at index " + nul
                    + "), which PostgreSQL would read as its end; the statement was not sent to " + host);
        }
        int surrogate = Utf8Text.unpairedSurrogate(sql);
        if (surrogate >= 0) {
            throw new PgConfigException(host, which + " contains an unpaired UTF-16 surrogate (at index " + surrogate
                    + "), which UTF-8 has no encoding for (it would run with a '?' there); the statement was not sent to " + host);
        }
    }
}
