package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.FutureFailures;
import io.pgconn.HostStatus;
import io.pgconn.JvmDnsCache;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
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
 * A login refused for want of a free slot (53300) leaves the host {@code full}, not down, its open probe session
 * kept ({@link FullHost}).
 *
 * <p>While no configured host answers in a role the factory's {@code target_session_attrs} accepts, a probe session
 * that answers in another role is replaced by a new login before its relogin interval, backed off
 * ({@link WrongRoleRelogin}): the host may be a name or a virtual IP moved to the new primary while the probe session
 * stays on the old address, now a standby (NEW-USER-24 F1).
 *
 * <p>A host that answered as a standby is asked how far its replay is behind, on the same session, after the probe's
 * answer ({@link StandbyLagReads}). The probe session and its age are a {@link ProbeSession}.
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

    /** The open probe session and its age. */
    private final ProbeSession session;


    /** What the probes found, shown, logged and told to the application's factory. */
    private final HostReports reports;

    /** A host that takes no new logins while up: shown full, its probe session kept. */
    private final FullHost fullHost;

    /** Whether a probe session answering in a refused role while no host qualifies is replaced early (a moved label). */
    private final WrongRoleRelogin wrongRoleRelogin;

    private volatile boolean closed;

    /** The replay lag of this host while it answers as a standby, read after each probe. */
    private final StandbyLagReads lagReads;

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
        this.lagReads = new StandbyLagReads(applicationFactory, host.label(), lags, probeTimeout, clock);
        this.session = new ProbeSession(clock, reloginInterval);
        this.login = new ProbeLogin(host, monitorFactory, applicationFactory.config(), probeTimeout);
        this.backoff = new RefusedLoginBackoff(interval, clock);
        this.unanswered = new UnansweredProbes(host, applicationFactory, probeTimeout, closeWhenUnresponsive, factoryName);
        this.probeTimeout = probeTimeout;
        this.clock = clock;
        this.reports = new HostReports(host, HealthHostWatcher.of(applicationFactory), clock, published, factoryName);
        this.wrongRoleRelogin = new WrongRoleRelogin(host, applicationFactory, noAcceptableHost, interval,
                FullHost.loginWait(reloginInterval), clock);
        this.fullHost = new FullHost(host, this.session, this.backoff, this.unanswered, this.reports, probeTimeout, reloginInterval);
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
        PgConnection current = this.session.current();
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
        } else if (this.wrongRoleRelogin.due(this.reports.view()) || this.session.dueForLogin()) {
            probed = relogin(current);
        } else {
            probed = ask(current).handle((role, failure) -> {
                answered(role, failure);
                return null;
            });
        }
        return probed.thenCompose(ignored -> this.lagReads.afterProbe(this.reports.view(), this.session.current(), () -> this.closed))
                .whenComplete((ignored, failure) -> this.probing.set(false));
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
     * ({@link FullHost#loginUnanswered}); the open session is kept so that the next probe can tell again, and the count of
     * unanswered probes starts anew.
     * Only when the open session is silent too is the probe unanswered.
     */
    private CompletableFuture<Void> relogin(PgConnection open) {
        CompletableFuture<ServerRole> openAnswer = ask(open);
        return this.login.open().handle((answer, failure) -> {
            Throwable cause = failure == null ? null : FutureFailures.unwrap(failure);
            boolean full = cause != null && FullHost.noFreeSlot(cause);
            if (cause == null || !full && !UnansweredProbes.stoppedAnswering(cause)) {
                loggedIn(answer, failure); // a refused login closes the open session: health says what a connect() gets
                return CompletableFuture.<Void>completedFuture(null);
            }
            return openAnswer.handle((role, silent) -> {
                if (this.closed) {
                    return null;
                }
                if (full) {
                    this.fullHost.refused(cause, silent == null ? role : null); // the open session kept while it answers
                } else if (silent == null) {
                    this.fullHost.loginUnanswered(cause, role);
                } else {
                    down(failure);
                }
                return (Void) null;
            });
        }).thenCompose(next -> next);
    }

    private void loggedIn(@Nullable Answer answer, @Nullable Throwable failure) {
        if (answer != null) {
            this.session.keep(answer.session());
            this.reports.probing(answer.server());
        }
        if (this.closed) {
            return; // a failure now is its own connection closing under it: nothing learned about the host
        }
        if (answer != null) {
            up(answer.role());
        } else if (failure != null && FullHost.noFreeSlot(FutureFailures.unwrap(failure))) {
            this.fullHost.refused(FutureFailures.unwrap(failure), null); // no open session to keep: the next login a relogin interval later
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
            this.fullHost.stillFull(role); // its sessions answer; whether it takes new ones, only the next login tells
        } else if (failure == null) {
            up(role);
        } else {
            down(failure);
        }
    }

    private void up(ServerRole role) {
        this.unanswered.reset();
        this.backoff.reset();
        PgConnection current = this.session.current();
        this.reports.up(role, current != null ? current.serverVersion() : null, this.probeStartedAt,
                current == null ? null : current.remoteAddress()
                        .flatMap(dialled -> JvmDnsCache.lookedUp(current.hostSpec(), dialled)).orElse(null));
    }

    private void down(Throwable failure) {
        this.session.drop();
        Throwable cause = FutureFailures.unwrap(failure);
        this.backoff.failed(cause);
        this.reports.down(HostFailureReason.of(cause, this.host, this.probeTimeout), cause, this.backoff.nextLoginAt());
        this.unanswered.failed(cause);
    }

    HostSpec host() {
        return this.host;
    }

    /**
     * The open probe session, or {@code null}: for the health's one other statement on it, the split-brain timeline
     * read ({@link SplitBrainTimelines}), started within a probe round as soon as two hosts answer primary.
     */
    @Nullable PgConnection openSession() {
        return this.closed ? null : this.session.open();
    }

    /** When the next login may be tried after refused ones; {@code null} when not backing off. For tests. */
    @Nullable Instant nextLoginAt() {
        return this.backoff.nextLoginAt();
    }

    void close() {
        this.closed = true;
        this.lagReads.forget();
        this.session.close();
    }
}
