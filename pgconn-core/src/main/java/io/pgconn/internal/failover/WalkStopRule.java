package io.pgconn.internal.failover;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgConfigException;
import io.pgconn.PgConnectException;
import io.pgconn.PgErrors;
import io.pgconn.PgException;
import io.pgconn.PgRoleMismatchException;
import io.pgconn.PgTimeoutException;
import io.pgconn.PgTlsException;

/**
 * Whether one host's failure ends the whole multi-host attempt or lets the walk try the next address
 * and host (docs/lifecycle.md §2.3, libpq 18's {@code PQconnectPoll}).
 *
 * <p>The walk moves on after: a refused or closed connection (closed before the server answered
 * SSLRequest or during the TLS handshake too: a {@link PgConnectException}, since the server went away rather than refused TLS —
 * libpq stops there, a deliberate difference), a host budget running out, SQLSTATE
 * 57P03 (cannot connect now), a role mismatch or a failed role probe — and after 53300 (too many
 * connections), 57P01/57P02 (the server is shutting down) and 3D000 (the database does not exist there: a
 * standby that has not replayed its {@code CREATE DATABASE} yet), which are <em>deliberate differences</em>:
 * libpq stops there, but a failover client should reach a host that still has room, is not going away or has
 * the database already (pgjdbc and r2dbc-postgresql move on after any startup error). DNS failures are handled
 * before any attempt and move on too.
 *
 * <p>It stops, as libpq does, after: an authentication failure (more hosts would only lock the account
 * faster); a configuration error (it would repeat on every host); a TLS failure — by the time one is
 * reported here the sslmode allowed no fallback from it ({@code require} answered with 'N', a
 * verify-ca/verify-full chain or host-name failure; allow/prefer already made their other attempt on
 * the same host); any other ErrorResponse before the session was ready (e.g. 42501 insufficient privilege);
 * and a server that broke the protocol while starting the session.
 *
 * <p>When the walk goes on, it goes to the host's next address only after a failure that says nothing of the
 * server behind it — refused, reset or closed before the session was ready, timed out (in any phase: REVIEW-25 R25-8).
 * Once a server answered
 * (a role mismatch, a failed role probe, an ErrorResponse such as 57P03 or 53300) the host's other addresses are
 * skipped, as libpq 18 does ({@code try_next_host}, "we don't want to consider additional addresses for this
 * host"): a name's addresses are most often one server's (IPv6 and IPv4 of {@code localhost}), and another login
 * there would meet the same role or the same refusal — a second backend started on a server that may be recovering.
 */
final class WalkStopRule {

    private WalkStopRule() {
    }

    /**
     * Whether the failure is about this connect's configuration or the data it asked for rather than the host's
     * health, so the host memory must not record it: everything that stops the walk, and a 3D000
     * ({@link PgErrors#isNotReplayedYet}) — the host answered, and the next connect should still try it first.
     */
    static boolean saysNothingOfTheHost(PgException failure, boolean duringStartup) {
        return stopsTheWalk(failure, duringStartup)
                || duringStartup && failure.sqlState().filter(PgErrors::isNotReplayedYet).isPresent();
    }

    /**
     * Whether the walk, going on after {@code failure}, skips the host's remaining addresses: the server behind the
     * address answered (see the class comment). Asked only when {@link #stopsTheWalk} said no.
     *
     * @param failure        the host attempt's failure
     * @param duringStartup  whether it happened while connecting, not in the role probe or type discovery that follow
     */
    static boolean endsTheHost(PgException failure, boolean duringStartup) {
        if (failure instanceof PgTimeoutException) {
            // the address did not answer in time, in whichever phase (a budget timeout is reported as not during startup):
            // a frozen first address of a dual-stack name says nothing of the next one — libpq 18's try_next_addr
            return false;
        }
        return !duringStartup || failure instanceof PgRoleMismatchException || failure.sqlState().isPresent();
    }

    /**
     * @param failure        the host attempt's failure
     * @param duringStartup  whether it happened while connecting (socket, TLS, startup, authentication),
     *                       not in the role probe or type discovery that follow on a ready session
     */
    static boolean stopsTheWalk(PgException failure, boolean duringStartup) {
        if (failure instanceof PgAuthenticationException || failure instanceof PgConfigException) {
            return true;
        }
        if (!duringStartup || failure instanceof PgRoleMismatchException || failure instanceof PgTimeoutException) {
            return false;
        }
        if (failure instanceof PgTlsException) {
            return true;
        }
        if (failure.sqlState().isPresent()) {
            return !PgErrors.isTryNextHost(failure.sqlState().get());
        }
        // refused, reset or closed by the server: another host may be up; anything else broke the protocol
        return !(failure instanceof PgConnectException);
    }
}
