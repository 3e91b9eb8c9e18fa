package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;

/**
 * Execute: runs a portal; {@code maxRows} 0 means all rows, otherwise the server stops after that
 * many with PortalSuspended and the portal can be executed again for more.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-EXECUTE">Execute</a>
 */
public record Execute(String portal, int maxRows) implements FrontendMessage {

    /** The unnamed portal, all rows: what almost every execution sends, so one instance serves them all. */
    public static final Execute ALL_ROWS = new Execute("", 0);

    public Execute {
        Writes.requireNoNul(portal, "portal name");
        if (maxRows < 0) {
            throw new io.pgconn.PgConfigException(null, "Execute row limit must be 0 (all) or positive: " + maxRows);
        }
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Writes.begin(out, 'E');
        Writes.cString(out, portal);
        out.writeInt(maxRows);
        Writes.end(out, lengthIndex);
    }
}
