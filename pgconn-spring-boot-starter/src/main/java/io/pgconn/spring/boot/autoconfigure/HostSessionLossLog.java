package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.ErrorMessageLines;
import io.pgconn.PgException;
import io.pgconn.ServerRole;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Logs, once per host and event, that a host ended sessions the factory had handed out (WARN: the server shut
 * down, restarted or terminated them — 57P01, a reset socket — naming the host and the first session's reason),
 * and that it is back (INFO, with how long after and how many sessions were lost meanwhile): the first pgconn health
 * probe it answers that began after the loss ({@link #hostAnswered}, in whatever role — NEW-USER-22 F5: an old primary
 * back as a healthy standby within a second was logged back 11 minutes later, "a connect ... succeeds again, 661329 ms
 * after it ended a session", when the next switchover's connects reached it), or else a statement of a factory's there
 * that began after the loss and succeeded ({@link #statementSucceeded}: without health nothing else tells; not a
 * connect, which a pooler such as PgBouncer accepts while the server behind it is away — NEW-USER-24 F3):
 * not one line per session, and not only when a health probe happened to fall into the outage (user13's F5: a
 * 0.3-s fast restart that cost 8 pooled sessions and 32 requests left no pgconn line). Only what says the host
 * ended the session counts ({@link #isHostEvent}): the server's FATAL or PANIC ({@link PgException#endsSession()}) or
 * the socket's own failure (a reset, a broken pipe: its IOException, kept as suppressed by the core). A session the
 * client ended — an encoder's failure or an OutOfMemoryError, a protocol violation — is not the host's doing and is
 * not counted (the work on it fails with that error); a session closed by the
 * application (or the pool) has no cause and is not counted; nor is one the server ended for its own idleness or
 * length ({@link #isSessionsOwnTimeout}: 57P05 {@code idle_session_timeout}, 25P03
 * {@code idle_in_transaction_session_timeout}, 25P04 {@code transaction_timeout}) — the host did not go anywhere,
 * and a server with {@code idle_session_timeout} below the pool's idle time would otherwise log a WARN/INFO pair
 * per expiry. {@link FailoverTracker} feeds it the factory's
 * events; its lines begin like the tracker's, {@code "pgconn [pgConnectionFactory]: "}.
 *
 * <p>One log is shared by the trackers {@link FailoverTrackers} makes — the auto-configured factory's, each factory
 * bean's and each runtime factory's ({@link PgConnRuntimeFactories}) — so an event of a host is logged once however
 * many factories lost sessions there (NEW-USER-23 F7: 23 tenant factories on the same hosts were 23 WARN lines for one
 * switchover): the WARN names the first factory that lost one, the return line (the first probe answered after the
 * loss, of whichever factory's monitor, or a statement of any of them that succeeds there) counts each factory's
 * sessions by name ({@code "24 sessions of 4 factories lost there meanwhile (pgConnectionFactory 3, tenant-1 7, ...)"}). What each
 * factory's health shows (its hosts, active host, failovers) stays its own. A tracker made with a public constructor
 * (the application's own, for a factory of its own) has a log of its own.
 */
final class HostSessionLossLog {

    private static final Log logger = LogFactory.getLog(HostSessionLossLog.class);

    /** How many factories the return line names, with their counts; the rest are counted. */
    static final int FACTORIES_NAMED = 10;

    private final Clock clock;

    /** Per host ({@code host:port}) with sessions lost and not seen back yet. Guarded by this. */
    private final Map<String, Loss> losses = new HashMap<>();

    /** How many hosts {@link #losses} holds, for {@link #hasLoss} without the lock. */
    private volatile int ongoing;

    /**
     * One log for the factories that share it (NEW-USER-23 F7: a switchover under 23 tenant factories on the same hosts
     * was 23 WARN lines, r2dbc-postgresql's 1): a host's event is one WARN, by the first factory that lost a session
     * there, and one return line counting every factory's sessions, each named.
     */
    HostSessionLossLog(Clock clock) {
        this.clock = clock;
    }

    /** A session of {@code factory} to {@code host} handed out earlier closed; {@code cause} null: closed by its owner. */
    synchronized void sessionClosed(String factory, String host, Throwable cause) {
        if (host == null || !isHostEvent(cause) || isSessionsOwnTimeout(cause)) {
            return;
        }
        Loss loss = this.losses.get(host);
        if (loss != null) {
            loss.lost(factory);
            return;
        }
        loss = new Loss(this.clock.instant());
        loss.lost(factory);
        this.losses.put(host, loss);
        this.ongoing = this.losses.size();
        logger.warn(prefix(factory) + "host " + host + " ended a session: " + reason(cause)
                + " (sessions it ends until it is seen up again are counted, not logged)");
    }

    /**
     * A health probe of {@code host} (of {@code factory}'s monitor) that began {@code askedAt} found it up in
     * {@code role}: a loss that began before the probe is over. A probe that began earlier proves nothing (its answer
     * may have left just before the host ended the sessions).
     */
    synchronized void hostAnswered(String factory, String host, ServerRole role, Instant askedAt) {
        Loss loss = this.losses.get(host);
        if (loss != null && askedAt.isAfter(loss.since)) {
            this.losses.remove(host);
            this.ongoing = this.losses.size();
            logger.info(prefix(factory) + "host " + host + " is up again (" + role.label() + "), " + since(loss)
                    + " after it ended a session; " + lost(loss) + " there meanwhile" + byFactory(loss));
        }
    }

    /**
     * Whether sessions to {@code host} were lost and it is not seen back yet: asked for every statement a factory
     * starts ({@link FailoverTracker#statementStarted}), so one volatile read while no host is lost.
     */
    boolean hasLoss(String host) {
        return this.ongoing > 0 && host != null && isLost(host);
    }

    private synchronized boolean isLost(String host) {
        return this.losses.containsKey(host);
    }

    /** What statements started now are timed against (the loss's start). */
    Instant now() {
        return this.clock.instant();
    }

    /**
     * A statement of {@code factory} on {@code host} that started at {@code startedAt} succeeded: a loss there that
     * began before it is over — not a connect that landed there (NEW-USER-24 F3: behind PgBouncer the login succeeds
     * at the pooler while the server is away, and the first query gets FATAL 08P01 "server login has been failing";
     * ending the loss at the login logged a WARN and an INFO per pooled connect, 418 lines in 15 s).
     */
    synchronized void statementSucceeded(String factory, String host, Instant startedAt) {
        Loss loss = this.losses.get(host);
        if (loss != null && !startedAt.isBefore(loss.since)) {
            this.losses.remove(host);
            this.ongoing = this.losses.size();
            logger.info(prefix(factory) + "a statement on " + host + " succeeds again, " + since(loss)
                    + " after it ended a session; " + lost(loss) + " there meanwhile" + byFactory(loss));
        }
    }

    private static String prefix(String factory) {
        return "pgconn [" + factory + "]: ";
    }

    private String since(Loss loss) {
        return Math.max(0, Duration.between(loss.since, this.clock.instant()).toMillis()) + " ms";
    }

    private static String lost(Loss loss) {
        int sessions = loss.sessions();
        return sessions + (sessions == 1 ? " session" : " sessions") + (loss.byFactory.size() == 1 ? ""
                : " of " + loss.byFactory.size() + " factories") + " lost";
    }

    /** With more than one factory: each one's count, the first {@value #FACTORIES_NAMED} by name, the rest counted. */
    private static String byFactory(Loss loss) {
        if (loss.byFactory.size() == 1) {
            return "";
        }
        StringJoiner each = new StringJoiner(", ", " (", ")");
        loss.byFactory.entrySet().stream().limit(FACTORIES_NAMED).forEach(e -> each.add(e.getKey() + " " + e.getValue()));
        int more = loss.byFactory.size() - FACTORIES_NAMED;
        if (more > 0) {
            each.add("and " + more + " more");
        }
        return each.toString();
    }

    /**
     * Whether {@code cause} says the host ended the session: the server's FATAL or PANIC, or the socket's failure
     * (an IOException other than a TLS error, as the cause or, in the core's closed error, suppressed). Not a failure
     * of the client's own (a PgClosedException "... failed: java.lang.OutOfMemoryError ...", a PgProtocolException),
     * nor null (a close its owner asked for).
     */
    static boolean isHostEvent(Throwable cause) {
        if (cause instanceof PgException pg && pg.endsSession()) {
            return true;
        }
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (isSocketFailure(t)) {
                return true;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (isSocketFailure(suppressed)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isSocketFailure(Throwable t) {
        return t instanceof IOException && !(t instanceof SSLException);
    }

    /** The server ended the session for what the session did (sat idle, in a transaction, too long), not for its host. */
    static boolean isSessionsOwnTimeout(Throwable cause) {
        String state = cause instanceof PgException pg ? pg.sqlState().orElse("") : "";
        return switch (state) {
            case "57P05", "25P03", "25P04" -> true;
            default -> false;
        };
    }

    private static String reason(Throwable cause) {
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : ErrorMessageLines.oneLine(message);
    }

    private static final class Loss {

        private final Instant since;

        /** Sessions lost per factory, in the order the factories first lost one. */
        private final Map<String, Integer> byFactory = new LinkedHashMap<>();

        private Loss(Instant since) {
            this.since = since;
        }

        void lost(String factory) {
            this.byFactory.merge(factory, 1, Integer::sum);
        }

        int sessions() {
            return this.byFactory.values().stream().mapToInt(Integer::intValue).sum();
        }
    }
}
