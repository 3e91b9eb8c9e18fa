package io.pgconn;

import java.util.List;
import java.util.Map;

/**
 * What a failed connect ({@link PgConnectionFactory#connect()}'s failure) says about trying again: the one place
 * a client of the core — the R2DBC driver's error translation, a pool's create retry, an application's own retry
 * loop — classifies it (docs/lifecycle.md §2.3).
 *
 * <p>A multi-host walk that failed on more than one host reports one exception without a host that lists every
 * host's failure and carries them, in the order the hosts were tried, as suppressed exceptions; the last of them
 * decided the walk ({@link #deciding}): it either stopped it (a refused password, TLS) or was the last host to move
 * on from (a database that does not exist there, on the last host too), and a retry meets what it met. The first host's failure does not
 * decide: a host that was down before a server refused the database said nothing about the database (REVIEW F2:
 * such a 3D000 walk was "transient" to R2DBC; a refused password already carried the last host's 28P01). The other
 * way round, a database one host refused and a last host that did not answer is worth a retry: a 3D000 moves the walk on
 * (a standby that has not replayed a new database), and the host that did not answer may be the primary that has it,
 * restarting; only a database every host refused is lasting (REVIEW-24 R24-6). The
 * report is built by the walk's {@code WalkFailures}; the rule that stops or continues a walk is
 * {@code WalkStopRule} (both internal).
 */
public final class ConnectFailures {

    private ConnectFailures() {
    }

    /** The failure to classify {@code error} by: the walk's deciding host failure, or {@code error} itself. */
    public static PgException deciding(PgException error) {
        if (!isWalkReport(error)) {
            return error;
        }
        Throwable[] hosts = error.getSuppressed();
        return hosts[hosts.length - 1] instanceof PgException last ? last : error;
    }

    /**
     * A connect failure a retry does not cure: a refused login, TLS or configuration, a database or role that does
     * not exist (SQLSTATE classes 28, 3D). Of {@code error} itself: give it the {@link #deciding} failure.
     */
    public static boolean isLasting(PgException error) {
        if (error instanceof PgAuthenticationException || error instanceof PgTlsException
                || error instanceof PgConfigException) {
            return true;
        }
        return error.sqlState().map(state -> state.startsWith("28") || state.startsWith("3D")).orElse(false);
    }

    /**
     * Whether a connect that failed with {@code error} may succeed if tried again within a short wait, because the
     * server was briefly away: the new session closed while it was being opened, or the deciding failure is a
     * connection refused, reset or timed out (no SQLSTATE), the server not serving just then
     * ({@link PgErrors#isNotServingNow}: 57P03 starting up or shutting down, 57P01/57P02 shutting down or crash
     * restart), or no host in the wanted role yet (a promotion under way). Not: what {@link #isLasting} (a refused
     * password 28P01/28000, TLS, configuration, 3D000), a server without a free slot (53300: a wait for a slot is
     * not a wait for a restart), any other server error, and a closed factory ({@link PgFactoryClosedException}: it
     * never opens a connection again; a create retry tried it until its deadline).
     */
    public static boolean isWorthRetryingSoon(PgException error) {
        if (error instanceof PgFactoryClosedException || deciding(error) instanceof PgFactoryClosedException) {
            return false;
        }
        if (error instanceof PgClosedException) {
            return true; // the new session ended while it was opened: the server went away just then
        }
        PgException deciding = deciding(error);
        if (deciding.sqlState().isPresent()) {
            return PgErrors.isNotServingNow(deciding.sqlState().get());
        }
        return deciding instanceof PgClosedException
                || deciding instanceof PgConnectException && !isLasting(deciding);
    }

    /**
     * Whether the connect failed because the server that decided it has no free slot ({@link #deciding} failure's
     * SQLSTATE 53300, {@link PgErrors#isNoFreeSlot}: {@code max_connections}, a role's or a database's
     * {@code CONNECTION LIMIT}): the server is up and a login may succeed as soon as one of its sessions ends. Not
     * {@link #isWorthRetryingSoon}: a slot frees when a client lets go of a session, not when a restart is over, so a
     * caller that waits for one does so on purpose, with a backoff (a refused login costs the server a fork).
     */
    public static boolean isNoFreeSlot(PgException error) {
        return deciding(error).sqlState().filter(PgErrors::isNoFreeSlot).isPresent();
    }

    /**
     * Whether {@code error} is a walk's report: it names no host (each host's failure does) and carries the hosts'
     * failures as suppressed exceptions, in the order tried ({@link #walkReport}).
     */
    public static boolean isWalkReport(PgException error) {
        return (error instanceof PgConnectException || error instanceof PgAuthenticationException)
                && error.host() == null && error.getSuppressed().length > 0;
    }

    /**
     * A walk's report: the first line — how many hosts the walk had, {@code hostCount}, and the
     * {@code target_session_attrs} it looked for, {@code targetName} (libpq's spelling) — and one
     * {@link ErrorMessageLines#hostLine} per failure of {@code hostFailures} (its host's label, its message), of the last
     * host failure's kind — a {@link PgAuthenticationException} with its server fields, else a
     * {@link PgConnectException} — carrying the failures as suppressed in the order given, the last one
     * {@link #deciding} it. The one place a report's shape is made; the report keeps its host count and lines as state
     * ({@code WalkReport}), so {@link #withHostLine} counts the host it adds without reading the message back. Made by
     * the core's multi-host walk ({@code internal.failover.WalkFailures}); public because the walk is not in this
     * package.
     */
    public static PgException walkReport(int hostCount, String targetName, List<Map.Entry<String, PgException>> hostFailures) {
        StringBuilder lines = new StringBuilder();
        hostFailures.forEach(f -> lines.append(ErrorMessageLines.hostLine(f.getKey(), String.valueOf(f.getValue().getMessage()))));
        return report(new WalkReport(hostCount, targetName, lines.toString()),
                hostFailures.stream().map(Map.Entry::getValue).toList());
    }

    /**
     * {@code report}, a walk's report ({@link #isWalkReport}), with one more line at the end of its list —
     * {@code host: reason}, laid out as the hosts' lines — and the same hosts' failures, so the same one decides it;
     * for a host the caller left out of the walk, which has no failure of its own in it (the R2DBC driver's
     * prefer-standby fallback names the standby refusing its logins, docs/r2dbc.md), and which its first line counts
     * now (REVIEW-26: "any of 2 hosts" stood above three host lines). A report pgconn did not make (no state: built by
     * a caller with the exceptions' constructors) gets the line, its first line as it was. Anything else is returned as
     * it is.
     */
    public static PgException withHostLine(PgException report, String host, String reason) {
        if (!isWalkReport(report)) {
            return report;
        }
        WalkReport walk = report.walkReport();
        List<Throwable> hostFailures = List.of(report.getSuppressed());
        return walk == null ? report(report.getMessage() + ErrorMessageLines.hostLine(host, reason), null, hostFailures)
                : report(walk.withHostLine(host, reason), hostFailures);
    }

    private static PgException report(WalkReport walk, List<? extends Throwable> hostFailures) {
        return report(walk.message(), walk, hostFailures);
    }

    private static PgException report(String message, WalkReport walk, List<? extends Throwable> hostFailures) {
        Throwable last = hostFailures.isEmpty() ? null : hostFailures.get(hostFailures.size() - 1);
        PgException report = last instanceof PgAuthenticationException auth
                ? new PgAuthenticationException(message, auth.serverFields(), walk)
                : new PgConnectException(message, walk);
        hostFailures.forEach(report::addSuppressed);
        return report;
    }
}
