package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgConnection;
import io.pgconn.PgException;
import io.pgconn.PgTimeoutException;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.ServerRole;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Watches one configured host through an idle connection of its own: each {@link #probe()} asks
 * the server its role now ({@link PgConnection#currentRole()}, one round trip), or opens the
 * connection when there is none. A probe
 * that fails or does not answer within the probe timeout (a crashed server, a frozen one) drops the
 * connection and marks the host down; every answer is also told to the application's factory, so
 * its next {@code connect()} orders hosts by what was just seen.
 *
 * <p>A login the server refuses (SQLSTATE 28P01 wrong password, 28000 not allowed by pg_hba.conf, or
 * any {@link PgAuthenticationException}) is not retried every interval: each one writes a FATAL to the
 * server's log and, repeated, may lock the account. After the n-th refusal in a row the next login
 * waits {@code interval × 2^n}, at most {@link #maxAuthBackoff}; probes in between are skipped and
 * the health keeps showing the failure. An answer resets it.
 *
 * <p>The probe session is replaced by a new login once it is {@code reloginInterval} old: a session
 * opened long ago keeps answering while the server refuses every new login (a rotated password, a
 * pg_hba.conf change, a dropped database, max_connections reached), and health must say what a
 * {@code connect()} would get. The new session is opened before the old one is closed; when the login
 * fails, the host is down with its reason, as for any failed probe. A login that gets no answer while
 * the old session answers leaves the host down for new connections but not silent ({@link #relogin}).
 */
final class HostMonitor {

    private static final Log logger = LogFactory.getLog(HostMonitor.class);

    private static final Duration MAX_AUTH_BACKOFF = Duration.ofSeconds(30);

    /** Default age at which the probe session is replaced by a new login ({@code pg.conn.health.relogin-interval}). */
    static final Duration DEFAULT_RELOGIN_INTERVAL = Duration.ofSeconds(10);

    /** PostgreSQL's NAMEDATALEN - 1: what the server keeps of an {@code application_name}. */
    private static final int MAX_APPLICATION_NAME_BYTES = 63;

    /** SQLSTATEs of a refused login: invalid_password, invalid_authorization_specification. */
    private static final Set<String> AUTH_SQLSTATES = Set.of("28P01", "28000");

    private final HostSpec host;

    private final PgConnectionFactory monitorFactory;

    private final PgConnectionFactory applicationFactory;

    private final ConnConfig hostConfig;

    private final Duration probeTimeout;

    private final Clock clock;

    private final AtomicBoolean probing = new AtomicBoolean();

    /** The probe interval, the unit of the back-off after a refused login. */
    private final Duration interval;

    /** Longest wait between two logins after refusals: 30 s, or the interval when that is longer. */
    private final Duration maxAuthBackoff;

    /** Refused logins in a row; reset by an answer or any other failure. */
    private int authFailures;

    /** No login before this instant (after a refused one); {@code null}: none pending. */
    private volatile @Nullable Instant nextLoginAt;

    private volatile @Nullable PgConnection connection;

    /** When {@link #connection} logged in: a probe after {@link #reloginInterval} logs in again. */
    private volatile @Nullable Instant connectedAt;

    /** Age of the probe session at which the next probe logs in anew; zero: never. */
    private final Duration reloginInterval;

    private volatile HostView view;

    /** Told every new view at once (the monitors' {@link HostViews}), not at the end of a probe round. */
    private final Consumer<HostView> published;

    private volatile boolean closed;

    /** Whether the application's connections to the host are closed when it stops answering. */
    private final boolean closeWhenUnresponsive;

    /**
     * Probes in a row that got no answer within the probe timeout ({@link #stoppedAnswering}); reset by
     * an answer or by any other failure. Written by one probe at a time ({@link #probing}).
     */
    private int unansweredInARow;

    /**
     * Unanswered probes in a row that close the application's connections: one is not enough. A JVM
     * pause (a long GC, a safepoint) or one slow answer can let a single probe's timeout pass while
     * the server is fine, and closing every connection to the host fails all its work in flight; a
     * server that stopped answering does not answer the next probe (on a new connection) either.
     */
    static final int UNANSWERED_PROBES_TO_CLOSE = 2;

    HostMonitor(HostSpec host, PgConnectionFactory monitorFactory, PgConnectionFactory applicationFactory,
            Duration interval, Duration probeTimeout, Clock clock, Consumer<HostView> published) {
        this(host, monitorFactory, applicationFactory, interval, probeTimeout, clock, published, true);
    }

    HostMonitor(HostSpec host, PgConnectionFactory monitorFactory, PgConnectionFactory applicationFactory,
            Duration interval, Duration probeTimeout, Clock clock, Consumer<HostView> published,
            boolean closeWhenUnresponsive) {
        this(host, monitorFactory, applicationFactory, interval, probeTimeout, clock, published, closeWhenUnresponsive,
                DEFAULT_RELOGIN_INTERVAL);
    }

    HostMonitor(HostSpec host, PgConnectionFactory monitorFactory, PgConnectionFactory applicationFactory,
            Duration interval, Duration probeTimeout, Clock clock, Consumer<HostView> published,
            boolean closeWhenUnresponsive, Duration reloginInterval) {
        this.host = host;
        this.reloginInterval = reloginInterval;
        this.closeWhenUnresponsive = closeWhenUnresponsive;
        this.published = published;
        this.interval = interval;
        this.maxAuthBackoff = interval.compareTo(MAX_AUTH_BACKOFF) > 0 ? interval : MAX_AUTH_BACKOFF;
        this.monitorFactory = monitorFactory;
        this.applicationFactory = applicationFactory;
        this.probeTimeout = probeTimeout;
        this.clock = clock;
        this.view = HostView.unknown(host.label());
        // this host alone, whatever its role, within one probe's time; no type look-up; named apart
        // from the application's own connections in pg_stat_activity
        ConnConfig config = applicationFactory.config();
        this.hostConfig = config.toBuilder().hosts(List.of(host))
                .applicationName(monitorApplicationName(config.applicationName()))
                .targetSessionAttrs(io.pgconn.config.TargetSessionAttrs.ANY).connectTimeout(probeTimeout)
                .hostConnectTimeout(probeTimeout).extensionTypes(List.of()).keepalives(true).build();
    }

    HostView view() {
        return this.view;
    }

    /**
     * {@code <application_name>-health}, or {@code pgconn-health} without one. The server keeps 63
     * bytes of it (NAMEDATALEN - 1): a long name is cut before the suffix, which is what tells a
     * monitor session from the application's own in {@code pg_stat_activity}.
     */
    static String monitorApplicationName(@Nullable String applicationName) {
        String suffix = "-health";
        if (applicationName == null || applicationName.isEmpty()) {
            return "pgconn" + suffix;
        }
        String base = applicationName;
        while ((base + suffix).getBytes(StandardCharsets.UTF_8).length > MAX_APPLICATION_NAME_BYTES) {
            base = base.substring(0, base.offsetByCodePoints(base.length(), -1));
        }
        return base + suffix;
    }

    /**
     * Starts one probe unless one is still running (a frozen server: its timeout decides);
     * the future completes when the view is updated.
     */
    CompletableFuture<Void> probe() {
        if (this.closed || !this.probing.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        PgConnection current = this.connection;
        boolean open = current != null && !current.isClosed();
        Instant notBefore = this.nextLoginAt;
        if (!open && notBefore != null && this.clock.instant().isBefore(notBefore)) {
            // backing off after a refused login: the view keeps showing it
            this.probing.set(false);
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> probed;
        if (!open) {
            probed = login().handle((answer, failure) -> {
                loggedIn(answer, failure);
                return null;
            });
        } else if (dueForLogin()) {
            probed = relogin(current);
        } else {
            probed = ask(current).handle((role, failure) -> {
                answered(role, failure);
                return null;
            });
        }
        return probed.whenComplete((ignored, failure) -> this.probing.set(false));
    }

    /** The role now, not at session start (a promoted standby answers differently), with the probe core's connect path uses. */
    private CompletableFuture<ServerRole> ask(PgConnection session) {
        return session.currentRole().orTimeout(this.probeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A new probe session and its role, within the probe timeout. A login that does not make it in
     * time (a server that accepts TCP and never answers) is cancelled, which makes core abort it and
     * close its channel; one that logged in but failed or was late to answer is closed: the monitor
     * adopts a session only from a probe that succeeded ({@link #keep}).
     */
    private CompletableFuture<Answer> login() {
        CompletableFuture<PgConnection> login = this.monitorFactory.connect(this.hostConfig);
        CompletableFuture<Answer> answer = login.thenCompose(session -> session.currentRole()
                        .thenApply(role -> new Answer(session, role)))
                .orTimeout(this.probeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        answer.whenComplete((answered, failure) -> {
            if (failure != null) {
                login.cancel(false);
                login.thenAccept(PgConnection::close);
            }
        });
        return answer;
    }

    /** A new session that answered the role probe, and its answer. */
    private record Answer(PgConnection session, ServerRole role) {
    }

    /**
     * Replaces the open probe session by a new login, asking the open one at the same time. A login
     * that gets no answer while the open session answers is not a host that stopped answering: a
     * stopped postmaster (SIGSTOP) or a hanging authentication leaves the running backends serving,
     * the application's included (review F11: two such logins in a row closed the application's
     * connections). The host is down for new connections ({@link #loginUnanswered}), the open session
     * is kept so that the next probe can tell again, and the count of unanswered probes starts anew.
     * Only when the open session is silent too is the probe unanswered.
     */
    private CompletableFuture<Void> relogin(PgConnection open) {
        CompletableFuture<ServerRole> openAnswer = ask(open);
        return login().handle((answer, failure) -> {
            if (failure == null || !stoppedAnswering(unwrap(failure))) {
                loggedIn(answer, failure); // a refused login closes the open session: health says what a connect() gets
                return CompletableFuture.<Void>completedFuture(null);
            }
            return openAnswer.handle((role, silent) -> {
                if (this.closed) {
                    return null;
                }
                if (silent == null) {
                    loginUnanswered(failure);
                } else {
                    down(failure);
                }
                return (Void) null;
            });
        }).thenCompose(next -> next);
    }

    private void loggedIn(@Nullable Answer answer, @Nullable Throwable failure) {
        if (answer != null) {
            keep(answer.session());
        }
        if (this.closed) {
            return; // a failure now is its own connection closing under it: nothing learned about the host
        }
        if (answer != null) {
            up(answer.role());
        } else {
            down(failure);
        }
    }

    private void answered(@Nullable ServerRole role, @Nullable Throwable failure) {
        // once closed, a failure is its own connection closing under it: nothing learned about the host
        if (this.closed) {
            return;
        }
        if (failure == null) {
            up(role);
        } else {
            down(failure);
        }
    }

    /** Whether the open probe session is old enough to be replaced by a new login. */
    private boolean dueForLogin() {
        Instant since = this.connectedAt;
        return !this.reloginInterval.isZero() && since != null
                && !this.clock.instant().isBefore(since.plus(this.reloginInterval));
    }

    /** Takes a new probe session, closing the one it replaces (not awaited); closes it instead once the monitor is closed. */
    private void keep(PgConnection opened) {
        if (this.closed) {
            opened.close();
            return;
        }
        PgConnection previous = this.connection;
        this.connection = opened;
        this.connectedAt = this.clock.instant();
        if (previous != null && previous != opened) {
            previous.close();
        }
        if (this.closed) {
            opened.close(); // close() ran meanwhile and may have read the previous session
        }
    }

    private void up(ServerRole role) {
        this.unansweredInARow = 0;
        this.authFailures = 0;
        this.nextLoginAt = null;
        PgConnection current = this.connection;
        String version = current != null ? current.serverVersion() : null;
        this.view = this.view.up(role, version == null ? "" : version, this.clock.instant());
        this.published.accept(this.view);
        this.applicationFactory.reportHostUp(this.host, role);
    }

    private void down(Throwable failure) {
        PgConnection current = this.connection;
        this.connection = null;
        if (current != null) {
            current.close(); // not awaited: a frozen server would hold the probe
        }
        Throwable cause = unwrap(failure);
        backOffIfRefused(cause);
        markDown(HostFailureReason.of(cause, this.host, this.probeTimeout), cause);
        this.unansweredInARow = stoppedAnswering(cause) ? this.unansweredInARow + 1 : 0;
        if (this.closeWhenUnresponsive && this.unansweredInARow == UNANSWERED_PROBES_TO_CLOSE) {
            closeApplicationConnections(); // once per silence: the count passes 2 only once before an answer
        }
    }

    /**
     * The new login got no answer within the probe timeout while the open session answered: down for
     * new connections (a {@code connect()} would time out), but not silent, so nothing of the
     * application's is closed and the open session stays ({@link #relogin}).
     */
    private void loginUnanswered(Throwable failure) {
        Throwable cause = unwrap(failure);
        backOffIfRefused(cause);
        this.unansweredInARow = 0;
        markDown(HostFailureReason.unansweredLogin(this.host, this.probeTimeout), cause);
    }

    /** Shows the host down with {@code reason}, tells the application's factory, and logs a change once. */
    private void markDown(String reason, Throwable cause) {
        boolean changed = !reason.equals(this.view.error());
        this.view = this.view.down(reason, this.clock.instant());
        this.published.accept(this.view);
        this.applicationFactory.reportHostDown(this.host, reason);
        if (changed) {
            // the short reason goes to health; the whole story, once per change, to the log
            logger.info("pgconn health: host " + this.host.label() + " is down: " + reason
                    + (stoppedAnswering(cause) ? "" : " (" + cause.getMessage() + ")"));
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /**
     * Nothing answered within the probe timeout: not a refusal, not an error, silence. A server that
     * stopped that way (SIGSTOP, a hung VM, a network cut) still ACKs TCP or says nothing at all, so no
     * socket setting ends the application's statements waiting on it; only closing them does.
     */
    static boolean stoppedAnswering(Throwable cause) {
        return cause instanceof TimeoutException || cause instanceof PgTimeoutException;
    }

    /**
     * Closes the application's connections to the host (after {@code reportHostDown}, so that a pool
     * counts them as {@code host-down} and its new connections go elsewhere). Once per silence, at
     * its {@link #UNANSWERED_PROBES_TO_CLOSE}th unanswered probe: the host cannot take new sessions
     * while it is silent.
     */
    private void closeApplicationConnections() {
        String why = "the server stopped answering (no answer to " + UNANSWERED_PROBES_TO_CLOSE
                + " pgconn health checks in a row, " + this.probeTimeout.toMillis() + " ms each)";
        this.applicationFactory.closeConnections(this.host, why).thenAccept(closed -> {
            if (closed > 0) {
                logger.warn("pgconn health: closed " + closed + " connection(s) to " + this.host.label() + ": " + why
                        + "; their work in flight failed (pg.conn.health.close-connections-when-unresponsive=false keeps them waiting)");
            }
        });
    }

    private void backOffIfRefused(Throwable cause) {
        if (!isRefusedLogin(cause)) {
            this.authFailures = 0;
            this.nextLoginAt = null;
            return;
        }
        this.authFailures++;
        // interval × 2^n, computed without overflow: the cap is reached long before 2^31
        Duration wait = this.maxAuthBackoff;
        if (this.authFailures < 31) {
            Duration doubled = this.interval.multipliedBy(1L << this.authFailures);
            if (doubled.compareTo(wait) < 0) {
                wait = doubled;
            }
        }
        this.nextLoginAt = this.clock.instant().plus(wait);
    }

    /** Whether the server refused the login (not a network or TLS failure). */
    static boolean isRefusedLogin(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgAuthenticationException) {
                return true;
            }
            if (t instanceof PgException pg && pg.sqlState().filter(AUTH_SQLSTATES::contains).isPresent()) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** When the next login may be tried after refused ones; {@code null} when not backing off. For tests. */
    @Nullable Instant nextLoginAt() {
        return this.nextLoginAt;
    }

    void close() {
        this.closed = true;
        PgConnection current = this.connection;
        this.connection = null;
        if (current != null) {
            current.close();
        }
    }
}
