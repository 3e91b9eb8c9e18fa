package io.pgconn.r2dbc;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgConfigException;
import io.pgconn.PgConnectException;
import io.pgconn.PgException;
import io.pgconn.PgTlsException;

/**
 * What a failed connect says about a retry, for {@link R2dbcErrors}. A multi-host walk reports one
 * exception without a host that lists every host's failure and carries them, in the order the hosts
 * were tried, as suppressed exceptions (the core's {@code WalkFailures}); the last of them decided the
 * walk: it either stopped it (a refused password, a database that does not exist, TLS — the core's
 * {@code WalkStopRule}) or was the last host to move on from, and a retry meets what it met. The first
 * host's failure does not decide: a host that was down before a server refused the database said
 * nothing about the database (REVIEW F2: such a 3D000 walk was "transient"; a refused password already
 * carried the last host's 28P01).
 */
final class ConnectFailures {

    private ConnectFailures() {
    }

    /** The failure to classify {@code error} by: the walk's deciding host failure, or {@code error} itself. */
    static PgException deciding(PgException error) {
        if (!isWalkReport(error)) {
            return error;
        }
        Throwable[] hosts = error.getSuppressed();
        return hosts[hosts.length - 1] instanceof PgException last ? last : error;
    }

    /**
     * A connect failure a retry does not cure: a refused login, TLS or configuration, a database or
     * role that does not exist (SQLSTATE 28, 3D).
     */
    static boolean isLasting(PgException error) {
        if (error instanceof PgAuthenticationException || error instanceof PgTlsException
                || error instanceof PgConfigException) {
            return true;
        }
        return error.sqlState().map(state -> state.startsWith("28") || state.startsWith("3D")).orElse(false);
    }

    /** The walk's own report names no host (each host's failure does) and carries the hosts' failures. */
    private static boolean isWalkReport(PgException error) {
        return (error instanceof PgConnectException || error instanceof PgAuthenticationException)
                && error.host() == null && error.getSuppressed().length > 0;
    }
}
