package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;

/**
 * The portal and statement names of a {@link Bind}, checked (no NUL, no unpaired surrogate) and encoded as the two C
 * strings once: a cached prepared statement keeps its names (the statement cache's entry), so each execution's Bind
 * writes these bytes instead of checking and encoding the same name again. Immutable.
 */
public final class BindNames {

    /** The unnamed portal and the unnamed statement. */
    public static final BindNames UNNAMED = of("", "");

    private final String portal;
    private final String statement;
    /** {@code portal} NUL {@code statement} NUL, in UTF-8. */
    private final byte[] encoded;

    private BindNames(String portal, String statement) {
        this.portal = portal;
        this.statement = statement;
        byte[] p = portal.getBytes(StandardCharsets.UTF_8);
        byte[] s = statement.getBytes(StandardCharsets.UTF_8);
        byte[] both = new byte[p.length + s.length + 2];
        System.arraycopy(p, 0, both, 0, p.length);
        System.arraycopy(s, 0, both, p.length + 1, s.length);
        this.encoded = both;
    }

    /** @throws io.pgconn.PgConfigException if a name is null, contains NUL or an unpaired surrogate */
    public static BindNames of(String portal, String statement) {
        Writes.requireNoNul(portal, "portal name");
        Writes.requireNoNul(statement, "statement name");
        return new BindNames(portal, statement);
    }

    public String portal() {
        return portal;
    }

    public String statement() {
        return statement;
    }

    /** The two names as a Bind writes them (what {@code ByteBufUtil.writeUtf8} and a NUL each would write). */
    void write(ByteBuf out) {
        out.writeBytes(encoded);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BindNames n && portal.equals(n.portal) && statement.equals(n.statement);
    }

    @Override
    public int hashCode() {
        return 31 * portal.hashCode() + statement.hashCode();
    }

    @Override
    public String toString() {
        return "portal=" + portal + ", statement=" + statement;
    }
}
