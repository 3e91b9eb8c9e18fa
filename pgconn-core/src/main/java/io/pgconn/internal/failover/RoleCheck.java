package io.pgconn.internal.failover;

import io.pgconn.ServerRole;
import io.pgconn.SessionRole;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.PgConnectException;
import io.pgconn.PgConnection;
import io.pgconn.internal.session.RoleProbe;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Decides a server's role (docs/lifecycle.md §2.2): from the {@code in_hot_standby} and
 * {@code default_transaction_read_only} ParameterStatus values PostgreSQL 14+ reports, otherwise
 * with one probe query ({@link RoleProbe}). A probe that fails or answers nothing decisive fails the host (fail closed).
 */
public final class RoleCheck {

    private RoleCheck() {
    }

    /** The role known from ParameterStatus alone, or {@link ServerRole#UNKNOWN}: {@link SessionRole#live(Map)}, the one reading of it. */
    public static ServerRole fromParameters(Map<String, String> parameters) {
        return SessionRole.live(parameters);
    }

    /**
     * The role from one probe query, for a server whose ParameterStatus did not tell it ({@link #fromParameters}
     * answered {@link ServerRole#UNKNOWN}) when the target needs it.
     */
    static CompletableFuture<ServerRole> probe(PgConnection connection, TargetSessionAttrs target) {
        return connection.simpleQuery(RoleProbe.SQL).handle((result, error) -> {
            if (error != null) {
                throw new PgConnectException(connection.host(), "could not determine the role of " + connection.host()
                        + " for target_session_attrs=" + target.libpqName() + ": " + error.getMessage(), error);
            }
            return RoleProbe.parse(connection.host(), result);
        });
    }
}
