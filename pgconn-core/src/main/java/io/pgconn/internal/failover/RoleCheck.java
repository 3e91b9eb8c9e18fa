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
 * {@code default_transaction_read_only} ParameterStatus values PostgreSQL 14+ reports — or from {@code in_hot_standby}
 * alone where the target needs no more ({@link #fromParameters(Map, TargetSessionAttrs)}) —, otherwise
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
     * The role a connect for {@code target} decides by from ParameterStatus alone, or {@link ServerRole#UNKNOWN} when
     * a probe must ask. As libpq 18 ({@code CONNECTION_CHECK_TARGET}), {@code primary}, {@code standby} and
     * {@code prefer-standby} need only {@code in_hot_standby}: a server that reports it {@code off} without
     * {@code default_transaction_read_only} (a pooler or proxy that forwards only the one) is taken as
     * {@link ServerRole#PRIMARY} — libpq's primary, not in hot standby; whether it is read-only is not learned, and
     * those targets accept either (REVIEW-31 R31-10: it was probed, and a proxy that answered the probe with nothing
     * decisive failed the host). A server reporting {@code in_hot_standby=on} is a standby for every target: a standby
     * is read-only whatever {@code default_transaction_read_only} says. {@code read-write} and {@code read-only} still
     * need both to tell a primary from a read-only one, and probe without them; {@code any} takes what both tell.
     */
    public static ServerRole fromParameters(Map<String, String> parameters, TargetSessionAttrs target) {
        String hotStandby = parameters.get("in_hot_standby");
        if ("on".equals(hotStandby)) {
            return ServerRole.STANDBY;
        }
        ServerRole known = SessionRole.live(parameters);
        if (known == ServerRole.UNKNOWN && "off".equals(hotStandby) && target.needsRole() && !target.decidedByReadOnly()) {
            return ServerRole.PRIMARY;
        }
        return known;
    }

    /**
     * The role from one probe query, for a server whose ParameterStatus did not tell it
     * ({@link #fromParameters(Map, TargetSessionAttrs)} answered {@link ServerRole#UNKNOWN}) when the target needs it.
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
