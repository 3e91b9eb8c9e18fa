package io.pgconn.internal.failover;

import io.pgconn.FatalErrors;
import io.pgconn.HostStatus;
import io.pgconn.HostUpRegistration;
import io.pgconn.ServerRole;
import io.pgconn.config.TargetSessionAttrs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * Per-host memory of one factory: last outcome, last known role, when, and the last error.
 * Thread-safe; readable for health reporting. Tells its {@linkplain #onUp listeners} each host found up.
 */
public final class HostStatusRegistry {

    private static final System.Logger LOG = System.getLogger(HostStatusRegistry.class.getName());

    private final Map<String, HostStatus> statuses = new ConcurrentHashMap<>();
    /**
     * When a connect's whole deadline last cut each host's attempt short: for ordering only, never a
     * status — the host was not found down (docs/lifecycle.md §2.4).
     */
    private final Map<String, Instant> cutOff = new ConcurrentHashMap<>();
    private final StickyPrimary sticky = new StickyPrimary();
    private final Clock clock;
    /** How many sessions the factory has open to a host (its label): handed out and not closed. */
    private final ToIntFunction<String> openSessions;
    private final List<Consumer<HostStatus>> upListeners = new CopyOnWriteArrayList<>();

    /** A memory that knows of no open session (a walk's unit tests). */
    public HostStatusRegistry(Clock clock) {
        this(clock, host -> 0);
    }

    /** @param openSessions how many sessions the factory has open to a host, by its label (asked only after a timeout) */
    public HostStatusRegistry(Clock clock, ToIntFunction<String> openSessions) {
        this.clock = clock;
        this.openSessions = openSessions;
    }

    /** How many sessions the factory has open to {@code host} now (docs/lifecycle.md §2.4: a timeout then marks it full). */
    int openSessions(String host) {
        return openSessions.applyAsInt(host);
    }

    /**
     * Remembers {@code host} up in {@code role} and tells each listener. A listener is the application's code,
     * run inside the connect or report that found the host: what it throws fails neither (FatalErrors' rule) — an
     * exception or an Error (a failed assertion, a class that would not load) is logged; a VirtualMachineError goes
     * to the thread's uncaught-exception handler once every listener was told (REVIEW-13: an Error escaped into
     * the connect after its outcome was settled, and the connect never completed).
     */
    public void recordUp(String host, ServerRole role) {
        HostStatus up = new HostStatus(host, HostStatus.State.UP, role, clock.instant(), null);
        statuses.put(host, up);
        sticky.foundUp(host, role, this::status);
        VirtualMachineError fatal = null;
        for (Consumer<HostStatus> listener : upListeners) {
            try {
                listener.accept(up);
            } catch (VirtualMachineError e) {
                fatal = e;
            } catch (Throwable e) { // a listener's bug must not fail the connect or the report that found the host
                LOG.log(System.Logger.Level.WARNING, "a host-up listener failed on " + host + ": " + e, e);
            }
        }
        if (fatal != null) {
            FatalErrors.handToTheThread(fatal);
        }
    }

    /**
     * A connect for {@code target} handed out a session on {@code host} in {@code role}: remembered up, and as the
     * host the next connects for {@code target} stick to ({@link StickyPrimary}).
     */
    void recordConnected(String host, ServerRole role, TargetSessionAttrs target) {
        recordConnected(host, role, target, connectBegins());
    }

    /**
     * As {@link #recordConnected(String, ServerRole, TargetSessionAttrs)} for a connect that began as
     * {@code connectBegun} ({@link #connectBegins()}): a connect begun before the one that set the sticky host does not
     * move it while that host holds ({@link StickyPrimary#connected}).
     */
    void recordConnected(String host, ServerRole role, TargetSessionAttrs target, long connectBegun) {
        sticky.connected(host, target, connectBegun, this::status);
        recordUp(host, role);
    }

    /** A connect begins: its number, for {@link #recordConnected(String, ServerRole, TargetSessionAttrs, long)}. */
    long connectBegins() {
        return sticky.begin();
    }

    /**
     * The host connects for {@code target} try first now ({@link StickyPrimary}): the one the last such connect
     * reached, while the memory holds it up in a role {@code target} accepts; {@code null} when there is none.
     */
    public String stickyHost(TargetSessionAttrs target) {
        String host = sticky.host(target);
        return host != null && sticky.holds(status(host), target) ? host : null;
    }

    /** Whether connects for {@code target} try this host first ({@link StickyPrimary#holds}). */
    boolean isSticky(HostStatus status, TargetSessionAttrs target) {
        return sticky.holds(status, target);
    }

    /**
     * Calls {@code listener}, on the recording thread, with each status {@link #recordUp} records, until the
     * returned registration is closed.
     */
    public HostUpRegistration onUp(Consumer<HostStatus> listener) {
        Consumer<HostStatus> added = Objects.requireNonNull(listener, "listener")::accept; // its own identity: removes only this one
        upListeners.add(added);
        return () -> upListeners.remove(added);
    }

    /**
     * An established session heard its server change role (its ParameterStatus, docs/lifecycle.md §2.4): remembered
     * as {@link #recordUp} does — listeners told — unless the memory already holds the host up in that role (every
     * session to a promoted server hears the promotion with its next statement; the first one tells).
     */
    public void recordRoleHeard(String host, ServerRole role) {
        HostStatus known = statuses.get(host);
        if (known == null || known.state() != HostStatus.State.UP || known.role() != role) {
            recordUp(host, role);
        }
    }

    public void recordDown(String host, String error) {
        HostStatus previous = statuses.get(host);
        ServerRole role = previous == null ? ServerRole.UNKNOWN : previous.role();
        statuses.put(host, new HostStatus(host, HostStatus.State.DOWN, role, clock.instant(), error));
    }

    /**
     * A watcher read {@code host}'s WAL timeline while it answered as primary ({@link io.pgconn.PrimaryTimeline}): when
     * the host connects stick to is on a lower one read too, the host on the highest becomes sticky
     * ({@link StickyPrimary#timelineRead}) — a split brain's promoted standby over the old primary.
     */
    public void recordTimeline(String host, long timeline) {
        sticky.timelineRead(host, timeline, this::status);
    }

    /**
     * {@code host} refused a new session because it has no free slot (53300, {@link io.pgconn.PgErrors#isNoFreeSlot}):
     * up, its open sessions fine, taking no new one now. Keeps the last known role; tells no up-listener (a
     * re-connect would be refused too).
     */
    public void recordFull(String host, String error) {
        HostStatus previous = statuses.get(host);
        ServerRole role = previous == null ? ServerRole.UNKNOWN : previous.role();
        statuses.put(host, new HostStatus(host, HostStatus.State.FULL, role, clock.instant(), error));
    }

    /** A connect's deadline ({@code connectTimeout}) ran out while this host was being tried: slow or silent, not found down. */
    void recordCutOff(String host) {
        cutOff.put(host, clock.instant());
    }

    /**
     * Whether a connect's deadline cut this host short within {@code recheckInterval}, after the last thing
     * its status says: nothing learned since.
     */
    boolean cutOffLately(HostStatus status, Duration recheckInterval) {
        Instant at = cutOff.get(status.host());
        return at != null && RecheckInterval.covers(at, recheckInterval, clock.instant())
                && (status.lastCheckedAt() == null || at.isAfter(status.lastCheckedAt()));
    }

    public HostStatus status(String host) {
        HostStatus status = statuses.get(host);
        return status != null ? status : HostStatus.unknown(host);
    }

    /** Statuses of the given hosts, in that order. */
    public List<HostStatus> statuses(List<String> hosts) {
        return hosts.stream().map(this::status).toList();
    }

    /** Whether what we know of the host is recent enough to act on. */
    boolean isFresh(HostStatus status, Duration recheckInterval) {
        return RecheckInterval.covers(status.lastCheckedAt(), recheckInterval, clock.instant());
    }

    Instant now() {
        return clock.instant();
    }
}
