package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.FutureFailures;
import io.pgconn.HostStatus;
import io.pgconn.JvmDnsCache;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgErrors;
import io.pgconn.PgException;
import io.pgconn.ServerRole;
import io.pgconn.config.HostSpec;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.ReplicaLags;
import io.pgconn.spring.boot.autoconfigure.health.ProbeLogin.Answer;
import org.jspecify.annotations.Nullable;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Watches one configured host through an idle connection of its own: each {@link #probe()} asks
 * the server its role now ({@link PgConnection#currentRole()}, one round trip), or opens the
 * connection when there is none ({@link ProbeLogin}). A probe that fails or does not answer within
 * the probe timeout (a crashed server, a frozen one) drops the connection and marks the host down;
 * every answer is also told to the application's factory, so its next {@code connect()} orders hosts
 * by what was just seen (the view, the log lines and the factory's host memory: {@link HostReports}). Refused logins back off ({@link RefusedLoginBackoff}); silence closes the
 * application's connections to the host ({@link UnansweredProbes}).
 *
 * <p>The probe session is replaced by a new login once it is {@code reloginInterval} old: a session
 * opened long ago keeps answering while the server refuses every new login (a rotated password, a
 * pg_hba.conf change, a dropped database, max_connections reached), and health must say what a
 * {@code connect()} would get. The new session is opened before the old one is closed; when the login
 * fails, the host is down with its reason, as for any failed probe. A login that gets no answer while
 * the old session answers leaves the host {@code full} (no new connections, its sessions serving), not silent
 * ({@link #relogin}).
 * A login refused for want of a free slot (53300: max_connections, a role's or database's connection
 * limit) leaves the host {@code full}, not down: the server is up and the application's sessions to it
 * work, so the open probe session is kept (closing it freed a slot the next probe's login took, and the
 * host flipped down/up every relogin interval: NEW-USER-13 F2), the next login is tried a relogin interval
 * later — also when no session is open (none yet, or it failed too): not at every probe, each refused login being a
 * fork on the full server (REVIEW-18 L8) — and the application's factory's host memory is told {@code full}, on which no
 * pool evicts (F1).
 *
 * <p>While no configured host answers in a role the factory's {@code target_session_attrs} accepts, a probe session
 * that answers in another role is replaced by a new login before its relogin interval, backed off
 * ({@link WrongRoleRelogin}): the host may be a name or a virtual IP moved to the new primary while the probe session
 * stays on the old address, now a standby (NEW-USER-24 F1).
 *
 * <p>A host that answered as a standby is asked how far its replay is behind, on the same session, after the probe's
 * answer ({@link ReplicaLagProbe}, NEW-USER-28 F1); the lag goes to {@link ReplicaLags}, which health and the
 * {@code pg.conn.replica.lag} gauges read. It is shown, not acted on: a lag changes no host's status.
 */
final class HostMonitor {

    /** Default age at which the probe session is replaced by a new login ({@code pg.conn.health.relogin-interval}). */
    static final Duration DEFAULT_RELOGIN_INTERVAL = Duration.ofSeconds(10);

    private final HostSpec host;

    private final ProbeLogin login;

    private final RefusedLoginBackoff backoff;

    private final UnansweredProbes unanswered;

    private final Duration probeTimeout;

    private final Clock clock;

    private final AtomicBoolean probing = new AtomicBoolean();

    private volatile @Nullable PgConnection connection;

    /**
     * When {@link #connection} logged in, or a later login was refused for want of a free slot while it was
     * kept: a probe after {@link #reloginInterval} logs in again.
     */
    private volatile @Nullable Instant connectedAt;

    /** Age of the probe session at which the next probe logs in anew; zero: never. */
    private final Duration reloginInterval;

    /** What the probes found, shown, logged and told to the application's factory. */
    private final HostReports reports;

    /** Whether a probe session answering in a refused role while no host qualifies is replaced early (a moved label). */
    private final WrongRoleRelogin wrongRoleRelogin;

    private volatile boolean closed;

    /** The factory whose host this is: the key of its lags. */
    private final PgConnectionFactory applicationFactory;

    /** Where the lag of this host is kept while it answers as a standby. */
    private final ReplicaLags lags;

    private final ReplicaLagProbe lagProbe;

    /** When the running probe began (one at a time: {@link #probing}); an answer to it shows the host there since. */
    private volatile Instant probeStartedAt = Instant.EPOCH;

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
        this(host, monitorFactory, applicationFactory, interval, probeTimeout, clock, published, closeWhenUnresponsive,
                reloginInterval, PgConnAutoConfiguration.FACTORY_BEAN_NAME);
    }

    /** {@code factoryName}: the bean name of {@code applicationFactory}, which the log lines name. */
    HostMonitor(HostSpec host, PgConnectionFactory monitorFactory, PgConnectionFactory applicationFactory,
            Duration interval, Duration probeTimeout, Clock clock, Consumer<HostView> published,
            boolean closeWhenUnresponsive, Duration reloginInterval, String factoryName) {
        this(host, monitorFactory, applicationFactory, interval, probeTimeout, clock, published, closeWhenUnresponsive,
                reloginInterval, factoryName, () -> false);
    }

    /**
     * {@code noAcceptableHost}: whether no configured host answers in a role the factory's {@code target_session_attrs}
     * accepts now; while it says so, a probe session answering in another role is replaced early ({@link WrongRoleRelogin}).
     */
    HostMonitor(HostSpec host, PgConnectionFactory monitorFactory, PgConnectionFactory applicationFactory,
            Duration interval, Duration probeTimeout, Clock clock, Consumer<HostView> published,
            boolean closeWhenUnresponsive, Duration reloginInterval, String factoryName, BooleanSupplier noAcceptableHost) {
        this(host, monitorFactory, applicationFactory, interval, probeTimeout, clock, published, closeWhenUnresponsive,
                reloginInterval, factoryName, noAcceptableHost, new ReplicaLags());
    }

    /** {@code lags}: where the lag of a host answering as a standby is kept for health and the meters. */
    HostMonitor(HostSpec host, PgConnectionFactory monitorFactory, PgConnectionFactory applicationFactory,
            Duration interval, Duration probeTimeout, Clock clock, Consumer<HostView> published,
            boolean closeWhenUnresponsive, Duration reloginInterval, String factoryName, BooleanSupplier noAcceptableHost,
            ReplicaLags lags) {
        this.host = host;
        this.applicationFactory = applicationFactory;
        this.lags = lags;
        this.lagProbe = new ReplicaLagProbe(probeTimeout, clock);
        this.login = new ProbeLogin(host, monitorFactory, applicationFactory.config(), probeTimeout);
        this.backoff = new RefusedLoginBackoff(interval, clock);
        this.unanswered = new UnansweredProbes(host, applicationFactory, probeTimeout, closeWhenUnresponsive, factoryName);
        this.probeTimeout = probeTimeout;
        this.clock = clock;
        this.reloginInterval = reloginInterval;
        this.reports = new HostReports(host, applicationFactory.hostObservations(), clock, published, factoryName);
        this.wrongRoleRelogin = new WrongRoleRelogin(host, applicationFactory, noAcceptableHost, interval, fullLoginWait(),
                clock);
    }

    HostView view() {
        return this.reports.view();
    }

    /**
     * Starts one probe unless one is still running (a frozen server: its timeout decides);
     * the future completes when the view is updated.
     */
    CompletableFuture<Void> probe() {
        if (this.closed || !this.probing.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        this.probeStartedAt = this.clock.instant();
        PgConnection current = this.connection;
        boolean open = current != null && !current.isClosed();
        if (!open && this.backoff.waiting()) {
            // backing off after a refused login: the view keeps showing it
            this.probing.set(false);
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> probed;
        if (!open) {
            probed = this.login.open().handle((answer, failure) -> {
                loggedIn(answer, failure);
                return null;
            });
        } else if (this.wrongRoleRelogin.due(this.reports.view()) || dueForLogin()) {
            probed = relogin(current);
        } else {
            probed = ask(current).handle((role, failure) -> {
                answered(role, failure);
                return null;
            });
        }
        return probed.thenCompose(ignored -> measureLag()).whenComplete((ignored, failure) -> this.probing.set(false));
    }

    /** The role now, not at session start (a promoted standby answers differently), with the probe core's connect path uses. */
    private CompletableFuture<ServerRole> ask(PgConnection session) {
        return session.currentRole().orTimeout(this.probeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Replaces the open probe session by a new login, asking the open one at the same time. A login
     * that gets no answer while the open session answers is not a host that stopped answering: a
     * stopped postmaster (SIGSTOP) or a hanging authentication leaves the running backends serving,
     * the application's included (review F11: two such logins in a row closed the application's
     * connections). The host is {@code full}: no new connections, its sessions serving
     * ({@link #loginUnanswered}); the open session is kept so that the next probe can tell again, and the count of
     * unanswered probes starts anew.
     * Only when the open session is silent too is the probe unanswered.
     */
    private CompletableFuture<Void> relogin(PgConnection open) {
        CompletableFuture<ServerRole> openAnswer = ask(open);
        return this.login.open().handle((answer, failure) -> {
            Throwable cause = failure == null ? null : FutureFailures.unwrap(failure);
            boolean full = cause != null && noFreeSlot(cause);
            if (cause == null || !full && !UnansweredProbes.stoppedAnswering(cause)) {
                loggedIn(answer, failure); // a refused login closes the open session: health says what a connect() gets
                return CompletableFuture.<Void>completedFuture(null);
            }
            return openAnswer.handle((role, silent) -> {
                if (this.closed) {
                    return null;
                }
                if (full) {
                    full(cause, silent == null ? role : null); // the open session kept while it answers
                } else if (silent == null) {
                    loginUnanswered(cause, role);
                } else {
                    down(failure);
                }
                return (Void) null;
            });
        }).thenCompose(next -> next);
    }

    /**
     * After a probe: the replay lag of a host that answered as a standby on the open probe session, else none. A lag
     * query that fails or gets no answer leaves the lag unknown and the host as the probe left it: the next probe's
     * role question tells whether the host still answers.
     */
    private CompletableFuture<Void> measureLag() {
        HostView view = this.reports.view();
        PgConnection session = this.connection;
        if (this.closed || view.state() != HostStatus.State.UP || view.role() != ServerRole.STANDBY || session == null
                || session.isClosed()) {
            this.lags.unknown(this.applicationFactory, this.host.label());
            return CompletableFuture.completedFuture(null);
        }
        return this.lagProbe.measure(session).handle((lag, failure) -> {
            if (lag != null && !this.closed) {
                this.lags.measured(this.applicationFactory, this.host.label(), lag);
            } else {
                this.lags.unknown(this.applicationFactory, this.host.label());
            }
            return null;
        });
    }

    /** Whether the server refused the login for want of a free slot (53300): up, its sessions fine. */
    static boolean noFreeSlot(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException pg && pg.sqlState().filter(PgErrors::isNoFreeSlot).isPresent()) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private void loggedIn(@Nullable Answer answer, @Nullable Throwable failure) {
        if (answer != null) {
            keep(answer.session());
            this.reports.probing(answer.server());
        }
        if (this.closed) {
            return; // a failure now is its own connection closing under it: nothing learned about the host
        }
        if (answer != null) {
            up(answer.role());
        } else if (failure != null && noFreeSlot(FutureFailures.unwrap(failure))) {
            full(FutureFailures.unwrap(failure), null); // no open session to keep: the next login a relogin interval later
        } else {
            down(failure);
        }
    }

    private void answered(@Nullable ServerRole role, @Nullable Throwable failure) {
        // once closed, a failure is its own connection closing under it: nothing learned about the host
        if (this.closed) {
            return;
        }
        if (failure == null && this.reports.view().state() == HostStatus.State.FULL) {
            stillFull(role); // its sessions answer; whether it takes new ones, only the next login tells
        } else if (failure == null) {
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
        this.unanswered.reset();
        this.backoff.reset();
        PgConnection current = this.connection;
        this.reports.up(role, current != null ? current.serverVersion() : null, this.probeStartedAt,
                current == null ? null : current.remoteAddress()
                        .flatMap(dialled -> JvmDnsCache.lookedUp(current.hostSpec(), dialled)).orElse(null));
    }

    private void down(Throwable failure) {
        PgConnection current = this.connection;
        this.connection = null;
        if (current != null) {
            current.close(); // not awaited: a frozen server would hold the probe
        }
        Throwable cause = FutureFailures.unwrap(failure);
        this.backoff.failed(cause);
        this.reports.down(HostFailureReason.of(cause, this.host, this.probeTimeout), cause, this.backoff.nextLoginAt());
        this.unanswered.failed(cause);
    }

    /**
     * The server refused a new login for want of a free slot (53300): {@code full}, told to the application's
     * factory's host memory ({@code full}: its pools keep their sessions), logged once per change. {@code answered}: the
     * role the open probe session just answered, which is kept and asked again until the next login a relogin
     * interval later; {@code null} when there is no such session (none open, or it failed too: then it is dropped),
     * and the next login waits a relogin interval all the same ({@link #fullLoginWait()}), the host shown full meanwhile.
     */
    private void full(Throwable cause, @Nullable ServerRole answered) {
        if (answered != null) {
            this.connectedAt = this.clock.instant(); // one refused login per relogin interval, not per probe
            this.backoff.reset();
        } else {
            PgConnection current = this.connection;
            this.connection = null;
            if (current != null) {
                current.close(); // not awaited
            }
            // no session to ask meanwhile: the next login a relogin interval later too, not at the next probe (a
            // refused login is a fork on a server that is full: one per probe interval, REVIEW-18 L8)
            this.backoff.waitFor(fullLoginWait());
        }
        this.unanswered.reset();
        this.reports.full(HostFailureReason.of(cause, this.host, this.probeTimeout), cause, answered,
                answered != null ? null : this.backoff.nextLoginAt());
    }

    /** How long a full host without an open probe session waits for the next login: the relogin interval, or its default when that is 0. */
    private Duration fullLoginWait() {
        return this.reloginInterval.isZero() ? DEFAULT_RELOGIN_INTERVAL : this.reloginInterval;
    }

    /** The open probe session of a full host answered: still full, in the role it answered (not told to the factory as up). */
    private void stillFull(ServerRole role) {
        this.unanswered.reset();
        this.reports.stillFull(role);
    }

    /**
     * The new login got no answer within the probe timeout while the open session answered ({@code role}): the host
     * takes no new connections but serves the ones it has — a connection pooler whose clients queue for a server
     * connection (PgBouncer in session mode with more clients than {@code default_pool_size}: NEW-USER-21 F2), a
     * stopped postmaster, a hanging authentication. Shown {@code full} with its own reason, as for a refused login
     * (53300), and told to the application's factory as full, on which no pool evicts: shown {@code down}, every pool
     * evicted its idle sessions that worked, whose replacements queued behind the rest, and health was {@code DOWN}.
     * The open session is kept and asked at every probe; the next login a relogin interval later, not at every probe
     * (each one another client in the pooler's queue). Nothing of the application's is closed: no unanswered probe.
     */
    private void loginUnanswered(Throwable cause, ServerRole role) {
        this.connectedAt = this.clock.instant(); // one login per relogin interval, not per probe
        this.backoff.reset();
        this.unanswered.reset();
        this.reports.full(HostFailureReason.unansweredLogin(this.host, this.probeTimeout), cause, role, null);
    }

    HostSpec host() {
        return this.host;
    }

    /**
     * The open probe session, or {@code null}: for the health's one other statement on it, the split-brain timeline
     * read ({@link SplitBrainTimelines}), run between probe rounds.
     */
    @Nullable PgConnection openSession() {
        PgConnection current = this.connection;
        return this.closed || current == null || current.isClosed() ? null : current;
    }

    /** When the next login may be tried after refused ones; {@code null} when not backing off. For tests. */
    @Nullable Instant nextLoginAt() {
        return this.backoff.nextLoginAt();
    }

    void close() {
        this.closed = true;
        this.lags.unknown(this.applicationFactory, this.host.label());
        PgConnection current = this.connection;
        this.connection = null;
        if (current != null) {
            current.close();
        }
    }
}
