package io.pgconn.notify;

import io.pgconn.PgException;
import io.pgconn.ServerRole;
import io.pgconn.config.TargetSessionAttrs;

/**
 * The server of a {@link NotificationSubscriber}'s connection no longer satisfies the factory's
 * {@code target_session_attrs} (e.g. the old primary after a switchover turned read-only): the
 * subscriber re-connects through the factory's failover, as after a lost connection.
 */
public final class WrongRoleException extends PgException {

    private static final long serialVersionUID = 1L;

    private final ServerRole role;

    WrongRoleException(String host, ServerRole role, TargetSessionAttrs target) {
        super(host, "LISTEN connection to " + host + ": the server is " + role.label() + " now, which target_session_attrs="
                + target.libpqName() + " does not accept");
        this.role = role;
    }

    /** The role the server was found in. */
    public ServerRole role() {
        return role;
    }
}
