package io.pgconn.internal.session;

import io.netty.channel.Channel;
import io.pgconn.PgConnection;

/** Test-only: what the handshake left on a connection users hold (its class is package-private). */
public final class SessionAccess {

    private SessionAccess() {
    }

    public static SessionFacts facts(PgConnection connection) {
        return ((DefaultPgConnection) connection).facts();
    }

    public static Channel channel(PgConnection connection) {
        return ((DefaultPgConnection) connection).channel();
    }
}
