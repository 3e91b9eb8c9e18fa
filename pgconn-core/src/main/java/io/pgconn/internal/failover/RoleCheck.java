package io.pgconn.internal.failover;

import io.pgconn.ServerRole;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.PgConnectException;
import io.pgconn.PgConnection;
import io.pgconn.QueryResult;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Decides a server's role (lifecycle spec §2.2): from the {@code in_hot_standby} and
 * {@code default_transaction_read_only} ParameterStatus values PostgreSQL 14+ reports, otherwise
 * with one probe query. A probe that fails or answers nothing decisive fails the host (fail closed).
 */
public final class RoleCheck {

    static final String PROBE = "SELECT pg_catalog.pg_is_in_recovery(), pg_catalog.current_setting('transaction_read_only')";

    private RoleCheck() {
    }

    /** The role known from ParameterStatus alone, or {@link ServerRole#UNKNOWN}. */
    public static ServerRole fromParameters(Map<String, String> parameters) {
        String hotStandby = parameters.get("in_hot_standby");
        String readOnly = parameters.get("default_transaction_read_only");
        if (hotStandby == null || readOnly == null) {
            return ServerRole.UNKNOWN;
        }
        return ServerRole.of("on".equals(hotStandby), "on".equals(readOnly));
    }

    static CompletableFuture<ServerRole> determine(PgConnection connection, TargetSessionAttrs target) {
        ServerRole known = fromParameters(connection.parameters());
        if (known != ServerRole.UNKNOWN || !target.needsRole()) {
            return CompletableFuture.completedFuture(known);
        }
        return connection.simpleQuery(PROBE).handle((result, error) -> {
            if (error != null) {
                throw new PgConnectException(connection.host(), "could not determine the role of " + connection.host()
                        + " for target_session_attrs=" + target.libpqName() + ": " + error.getMessage(), error);
            }
            return parse(connection.host(), result);
        });
    }

    private static ServerRole parse(String host, QueryResult result) {
        if (result.rows().size() != 1 || result.rows().get(0).size() != 2) {
            throw new PgConnectException(host, "role probe on " + host + " returned no decisive answer");
        }
        String inRecovery = result.rows().get(0).get(0);
        String readOnly = result.rows().get(0).get(1);
        if (!isBool(inRecovery) || !isBool(readOnly)) {
            throw new PgConnectException(host, "role probe on " + host + " returned no decisive answer: "
                    + inRecovery + ", " + readOnly);
        }
        return ServerRole.of("t".equals(inRecovery), "on".equals(readOnly));
    }

    private static boolean isBool(String value) {
        return "t".equals(value) || "f".equals(value) || "on".equals(value) || "off".equals(value);
    }
}
