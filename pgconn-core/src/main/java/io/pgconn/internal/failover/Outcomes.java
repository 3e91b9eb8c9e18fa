package io.pgconn.internal.failover;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import io.pgconn.PgRoleMismatchException;
import io.pgconn.PgTimeoutException;
import io.pgconn.PgTlsException;
import io.pgconn.trace.PgTracer.HostOutcome;

/** Classifies a host failure for tracing and metrics. */
final class Outcomes {

    private Outcomes() {
    }

    static HostOutcome of(PgException error) {
        if (error instanceof PgRoleMismatchException) {
            return HostOutcome.ROLE_MISMATCH;
        }
        if (error instanceof PgTimeoutException) {
            return HostOutcome.TIMEOUT;
        }
        if (error instanceof PgTlsException) {
            return HostOutcome.TLS_FAILED;
        }
        if (error instanceof PgAuthenticationException) {
            return HostOutcome.AUTH_FAILED;
        }
        if (error instanceof PgProtocolException) {
            return HostOutcome.PROTOCOL_ERROR;
        }
        if (error.sqlState().isPresent()) {
            return HostOutcome.SERVER_ERROR;
        }
        if (error.getCause() instanceof java.net.ConnectException) {
            return HostOutcome.REFUSED;
        }
        return HostOutcome.FAILED;
    }
}
