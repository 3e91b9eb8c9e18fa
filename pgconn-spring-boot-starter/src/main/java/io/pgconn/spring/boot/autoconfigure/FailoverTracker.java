package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.ServerRole;
import io.pgconn.trace.PgTracer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The host connections currently land on, and how often that changed (a failover); read by health
 * and metrics. It has one source at a time (docs/starter.md §3): the health monitors' live view of
 * the hosts once they run ({@link #followHealthMonitor()}), else every successful connect of the
 * auto-configured factory. Never both: a connect sees the new primary up to one probe interval
 * before the monitors' views stop showing the crashed one as up, so interleaving the two fed it
 * old, new, old, new for one promotion (3 failovers counted for 1). With
 * {@code load-balance-hosts=random} the landing host changes by design, so the count is meaningful
 * only with a fixed host order. Connects are always remembered as {@link #lastConnectedHost()}; the monitors' active
 * host under {@code read-write}/{@code primary} follows the factory's own sticky primary instead
 * ({@link io.pgconn.PgConnectionFactory#stickyPrimary()}): a connect begun before a failover can complete on the old
 * primary after it (closing-note-28 F8), and core does not move new connections there for it.
 *
 * <p>A move from one standby to another is no failover (NEW-USER-28 F5: a reads factory's count rose with every standby
 * restart and every promotion elsewhere, while an on-call pages on {@code increase(pg_conn_failovers_total[5m]) > 0}):
 * {@code activeHost} follows and the move is logged, but neither the count nor {@link #lastFailoverAt()} moves. A move
 * into or out of a standby (a {@code prefer-standby} factory falling back to the primary, or back) and every move of a
 * {@code read-write}/{@code primary} factory still count. Moves between standbys are counted apart
 * ({@link #standbyMoves()}, {@code pg.conn.standby.moves}): a reads factory whose standbys restart or get promoted
 * often is worth a look, but no page. Each failover has a {@link FailoverKind} — {@code primary-to-primary},
 * {@code standby-to-primary}, {@code primary-to-standby}, {@code role-unknown} — the {@code kind} tag of
 * {@code pg.conn.failovers} ({@link #failovers(FailoverKind)}; NEW-USER-31 F4: a page on the count fired for a reads
 * factory's standby restart, which is {@code standby-to-primary} then {@code primary-to-standby}).
 *
 * <p>Each change is logged once at INFO, from → to with the failover number and why (new user 7
 * F2), naming the factory bean (new user 10 F4: two factories on one server could not be told apart):
 * "pgconn [pgConnectionFactory]: active host changed from db1:5432 to db2:5432 (failover 1): db1:5432 is
 * now read-only". The health monitors say why from their views; a connect only knows where it landed.
 * A host that ends sessions handed out earlier (a restart's 57P01) is logged once per event, WARN, and its
 * return INFO — the first health probe it answers after that, or else a statement that succeeds there
 * ({@link HostSessionLossLog}, user13's F5, NEW-USER-22 F5; once across the factories whose trackers
 * {@link FailoverTrackers} made, NEW-USER-23 F7); a session the client ended itself (a protocol
 * violation, an encoder's failure) is one WARN per session ({@link ClientSessionEndLog}).
 */
public final class FailoverTracker implements PgTracer {

    private static final Log logger = LogFactory.getLog(FailoverTracker.class);

    /** The reason of a change seen by a connect: without the monitors nothing says why. */
    static final String LANDED_BY_CONNECT = "a connect landed on it (without pgconn health nothing says why)";

    private final String factoryName;

    private final Clock clock;

    private final AtomicLong failovers = new AtomicLong();

    /** {@link #failovers} by what moved ({@link FailoverKind}, the meter's {@code kind} tag); they sum to it. */
    private final Map<FailoverKind, AtomicLong> failoversByKind = new EnumMap<>(FailoverKind.class);

    /** Moves of the active host from one standby to another: no failover, counted apart. */
    private final AtomicLong standbyMoves = new AtomicLong();

    /**
     * Logs a host's ending of sessions once per event, and its return ({@link HostSessionLossLog}): shared by the
     * trackers {@link FailoverTrackers} makes, once per event across their factories.
     */
    private final HostSessionLossLog sessionLosses;

    /** Logs each session the client ended itself ({@link ClientSessionEndLog}). */
    private final ClientSessionEndLog clientSessionEnds;

    private @Nullable String activeHost;

    /** The role {@link #activeHost} was in when connections moved to it ({@link ServerRole#UNKNOWN} when not told). */
    private ServerRole activeRole = ServerRole.UNKNOWN;

    /** Where the factory's last successful connect landed, whatever feeds {@link #activeHost}. */
    private @Nullable String lastConnectedHost;

    private @Nullable Instant lastFailoverAt;

    /** Whether the health monitors feed this tracker; connects are then ignored. */
    private boolean followsHealthMonitor;

    /** The auto-configured factory's ({@value PgConnAutoConfiguration#FACTORY_BEAN_NAME}). */
    public FailoverTracker() {
        this(PgConnAutoConfiguration.FACTORY_BEAN_NAME);
    }

    /** {@code factoryName}: the bean name of the factory whose active host this tracks, for the log. */
    public FailoverTracker(String factoryName) {
        this(factoryName, Clock.systemUTC());
    }

    public FailoverTracker(Clock clock) {
        this(PgConnAutoConfiguration.FACTORY_BEAN_NAME, clock);
    }

    /** With a {@link HostSessionLossLog} of its own: its host events are logged apart from every other tracker's. */
    public FailoverTracker(String factoryName, Clock clock) {
        this(factoryName, clock, new HostSessionLossLog(clock));
    }

    /**
     * With {@code sessionLosses} shared by the trackers {@link FailoverTrackers} makes, so that a host's event is
     * logged once across the factories on it (NEW-USER-23 F7).
     */
    FailoverTracker(String factoryName, Clock clock, HostSessionLossLog sessionLosses) {
        this.factoryName = factoryName;
        this.clock = clock;
        this.sessionLosses = sessionLosses;
        this.clientSessionEnds = new ClientSessionEndLog(factoryName);
        for (FailoverKind kind : FailoverKind.values()) {
            this.failoversByKind.put(kind, new AtomicLong());
        }
    }

    /** The bean name of the factory whose active host this tracks. */
    public String factoryName() {
        return this.factoryName;
    }

    @Override
    public void connectEnded(ConnectEnded event) {
        if (event.error() == null && event.host() != null) {
            connectLandedOn(event.host(), event.role() == null ? ServerRole.UNKNOWN : event.role());
        }
    }

    /**
     * Follows a statement only while its host has lost sessions not seen back ({@link HostSessionLossLog#hasLoss}: one
     * volatile read otherwise): its success ends that loss, logged — a connect does not (NEW-USER-24 F3: a pooler
     * accepts logins while the server is away).
     */
    @Override
    public @Nullable StatementSpan statementStarted(StatementStarted event) {
        if (event.hostSpec() == null || !this.sessionLosses.hasLoss(event.host())) {
            return null;
        }
        String host = event.host();
        Instant startedAt = this.sessionLosses.now();
        return ended -> {
            if (ended.outcome() == StatementOutcome.SUCCESS) {
                this.sessionLosses.statementSucceeded(this.factoryName, host, startedAt);
            }
        };
    }

    @Override
    public void connectionClosed(ConnectionClosed event) {
        this.sessionLosses.sessionClosed(this.factoryName, event.host(), event.cause());
        this.clientSessionEnds.sessionClosed(event.host(), event.processId(), event.cause());
    }

    /**
     * The health monitor's probe of {@code host} that began {@code askedAt} found it up in {@code role}: a loss of
     * sessions there that began before is over, logged now ({@link HostSessionLossLog}) — not at the next connect
     * there, which may come long after (NEW-USER-22 F5: an old primary back as a healthy standby for 11 minutes,
     * logged back only when the next switchover's connects reached it). Called by the health monitors.
     */
    public void hostAnswered(String host, ServerRole role, Instant askedAt) {
        this.sessionLosses.hostAnswered(this.factoryName, host, role, askedAt);
    }

    private synchronized void connectLandedOn(String host, ServerRole role) {
        this.lastConnectedHost = host;
        if (!this.followsHealthMonitor) {
            landedOn(host, role, () -> LANDED_BY_CONNECT);
        }
    }

    /**
     * From now on only {@link #landedOn} calls of the health monitors count, connects no longer do:
     * the monitors' active host is what health shows next to the count, so the two always agree.
     */
    public synchronized void followHealthMonitor() {
        this.followsHealthMonitor = true;
    }

    /**
     * Records that connections land on {@code host} ({@code host:port}) now; a different host than
     * before is a failover.
     */
    public void landedOn(String host) {
        landedOn(host, () -> "connections land on it now");
    }

    /**
     * As {@link #landedOn(String)}; a failover is logged once at INFO with {@code reason} (asked only
     * then): why connections no longer land on the previous host. The health monitors call it on every
     * new view of the hosts.
     */
    public synchronized void landedOn(String host, Supplier<String> reason) {
        landedOn(host, ServerRole.UNKNOWN, reason);
    }

    /**
     * As {@link #landedOn(String, Supplier)}, {@code host} answering in {@code role}: a move from a standby to another
     * standby is logged at INFO — "active host changed from db2:5432 to db3:5432 (standby to standby, no failover):
     * ..." — and counted as a standby move ({@link #standbyMoves()}), not as a failover (NEW-USER-28 F5).
     */
    public synchronized void landedOn(String host, ServerRole role, Supplier<String> reason) {
        String previous = this.activeHost;
        ServerRole previousRole = this.activeRole;
        this.activeHost = host;
        this.activeRole = role;
        if (previous != null && !previous.equals(host) && previousRole == ServerRole.STANDBY && role == ServerRole.STANDBY) {
            this.standbyMoves.incrementAndGet();
            logger.info("pgconn [" + this.factoryName + "]: active host changed from " + previous + " to " + host
                    + " (standby to standby, no failover): " + reason.get());
        } else if (previous != null && !previous.equals(host)) {
            FailoverKind kind = FailoverKind.of(previousRole, role);
            long count = countFailover(kind);
            logger.info("pgconn [" + this.factoryName + "]: active host changed from " + previous + " to " + host + " (failover " + count + "): "
                    + reason.get());
        }
    }

    private long countFailover(FailoverKind kind) {
        this.failoversByKind.get(kind).incrementAndGet();
        this.lastFailoverAt = this.clock.instant();
        return this.failovers.incrementAndGet();
    }

    /**
     * Connections land on {@code host} still, but the server behind it changed — a switchover behind one DNS name,
     * Kubernetes Service or virtual IP that the operator moved to the promoted server, seen by the health monitors
     * (NEW-USER-24 F4: the label being the same, no failover was counted): a failover when {@code host} is the active
     * host, counted and logged once at INFO with {@code reason} — "active host db:5432 reaches another server now
     * (failover 2): ..."; else as {@link #landedOn(String, Supplier)}. The new server's role not being told, its
     * kind is {@link FailoverKind#ROLE_UNKNOWN}: the health monitors call {@link #serverChanged(String, ServerRole, Supplier)}.
     */
    public synchronized void serverChanged(String host, Supplier<String> reason) {
        serverChanged(host, ServerRole.UNKNOWN, reason);
    }

    /**
     * As {@link #serverChanged(String, Supplier)}, the server behind {@code host} now answering in {@code role}: its
     * {@link FailoverKind} is told from the roles before and after, as a move between two labels is; a standby behind
     * the label replaced by another standby is a standby move, no failover, as between two labels (NEW-USER-28 F5).
     */
    public synchronized void serverChanged(String host, ServerRole role, Supplier<String> reason) {
        if (!host.equals(this.activeHost)) {
            landedOn(host, role, reason);
            return;
        }
        ServerRole previousRole = this.activeRole;
        this.activeRole = role;
        if (previousRole == ServerRole.STANDBY && role == ServerRole.STANDBY) {
            this.standbyMoves.incrementAndGet();
            logger.info("pgconn [" + this.factoryName + "]: active host " + host + " reaches another server now"
                    + " (standby to standby, no failover): " + reason.get());
            return;
        }
        FailoverKind kind = FailoverKind.of(previousRole, role);
        long count = countFailover(kind);
        logger.info("pgconn [" + this.factoryName + "]: active host " + host + " reaches another server now (failover " + count
                + "): " + reason.get());
    }

    /** {@code host:port} of the last successful connect, or {@code null} before the first. */
    public synchronized @Nullable String activeHost() {
        return this.activeHost;
    }

    /**
     * {@code host:port} where the factory's last successful connect landed, or {@code null} before the first —
     * also while the health monitors feed {@link #activeHost}. Not always where new connections go: that is the
     * factory's {@link io.pgconn.PgConnectionFactory#stickyPrimary()} under {@code read-write}/{@code primary}, which a
     * connect begun before the one that set it does not move (docs/lifecycle.md §2.4) — the monitors follow that.
     */
    public synchronized @Nullable String lastConnectedHost() {
        return this.lastConnectedHost;
    }

    /** Changes of the active host since start. */
    public long failovers() {
        return this.failovers.get();
    }

    /**
     * The {@link #failovers()} of one {@code kind} ({@code pg.conn.failovers{kind=...}}): writes moving
     * ({@link FailoverKind#PRIMARY_TO_PRIMARY}) told from reads falling back to the primary and back (NEW-USER-31 F4).
     */
    public long failovers(FailoverKind kind) {
        return this.failoversByKind.get(kind).get();
    }

    /**
     * Moves of the active host from one standby to another since start ({@code pg.conn.standby.moves}): none is a
     * failover ({@link #failovers()} leaves them out); each is a standby that went down, was promoted, or gave way to one
     * ahead of it in host order.
     */
    public long standbyMoves() {
        return this.standbyMoves.get();
    }

    /** When the active host last changed, or {@code null} if it never did. */
    public synchronized @Nullable Instant lastFailoverAt() {
        return this.lastFailoverAt;
    }
}
