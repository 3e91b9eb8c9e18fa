package io.pgconn.internal.session;

import io.pgconn.PgConnectException;
import io.pgconn.QueryResult;
import io.pgconn.ServerRole;

/**
 * The one query that asks a server its role (docs/lifecycle.md §2.2), used by the connect path when
 * ParameterStatus does not tell, and by {@link io.pgconn.PgConnection#currentRole()} (the Spring
 * Boot starter's health check). An answer that is not two booleans is not decisive and fails.
 */
public final class RoleProbe {

    public static final String SQL = "SELECT pg_catalog.pg_is_in_recovery(), pg_catalog.current_setting('transaction_read_only')";

    private RoleProbe() {
    }

    /** The role in the probe's answer; a {@link PgConnectException} naming {@code host} when it is not decisive. */
    public static ServerRole parse(String host, QueryResult result) {
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
