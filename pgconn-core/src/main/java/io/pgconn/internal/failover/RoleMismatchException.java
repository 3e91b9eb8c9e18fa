package io.pgconn.internal.failover;

import io.pgconn.ServerRole;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.PgConnectException;

/** A server that answered but does not satisfy {@code target_session_attrs}; the walk moves on. */
public final class RoleMismatchException extends PgConnectException {

    private static final long serialVersionUID = 1L;

    private final transient ServerRole role;

    RoleMismatchException(String host, ServerRole role, TargetSessionAttrs target) {
        super(host, "server " + host + " is " + role.label() + ", not acceptable for target_session_attrs=" + target.libpqName());
        this.role = role;
    }

    public ServerRole role() {
        return role;
    }
}
