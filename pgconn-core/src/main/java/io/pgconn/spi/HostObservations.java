package io.pgconn.spi;

import io.pgconn.HostStatus;
import io.pgconn.PgClosedException;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgErrors;
import io.pgconn.PrimaryTimeline;
import io.pgconn.ServerRole;
import io.pgconn.config.HostSpec;

import java.util.concurrent.CompletableFuture;

/**
 * What a watcher outside a factory — a health monitor probing each configured host on sessions of its own — tells the
 * factory's host memory it just saw (docs/lifecycle.md §2.4), as if one of the factory's own connects had seen it: the
 * next {@code connect()} orders hosts by it, and a pool on the factory evicts by it; and what it does about a host that
 * stopped answering: {@link #closeConnections} (docs/lifecycle.md §4). Reached with
 * {@link PgConnectionFactory#hostObservations(java.lang.invoke.MethodHandles.Lookup)} by a {@link HostWatcher}'s class only;
 * kept off the factory's own interface so that code that queries through
 * a factory does not see calls that change where every other caller's connects go, or close every other caller's
 * connections. Thread-safe; each call is quick and does not block (an event loop may make it). Reasons hold no secret:
 * they reach health details and errors.
 */
public interface HostObservations {

    /**
     * {@code host} answered in {@code role}: up. The next {@code connect()} orders hosts by it as if one of its own
     * attempts had found it so; listeners of {@link PgConnectionFactory#onHostUp} hear it.
     */
    void up(HostSpec host, ServerRole role);

    /**
     * {@code host} just failed the watcher's probe: the next {@code connect()} tries it last, for
     * {@code hostRecheckInterval}. A pool on the factory drops its sessions to a host the memory holds {@code down}
     * (pgconn-r2dbc's eviction, {@code host-down}), so a login refused only for want of a free slot (SQLSTATE 53300) is
     * {@link #full}'s, not this. {@code reason} must hold no secret.
     */
    void down(HostSpec host, String reason);

    /**
     * {@code host} just refused the watcher's new login because it has no free slot (SQLSTATE 53300,
     * {@link PgErrors#isNoFreeSlot}), or left it unanswered while the watcher's open session to it answered (a pooler's
     * queue) — {@link HostStatus.State#FULL}: the server is up and the sessions open to it are fine (a pool keeps them),
     * the next {@code connect()} tries it last, for {@code hostRecheckInterval}, as after {@link #down}. Keeps the last
     * known role. {@code reason} must hold no secret.
     */
    void full(HostSpec host, String reason);

    /**
     * The WAL timeline {@code host} writes on, as the watcher just read it while the host answered as primary
     * ({@link PrimaryTimeline#read}; the starter's health reads it on each host answering as primary while two do). When
     * two hosts answer as primary — a split brain: an old primary answering again beside the promoted standby — the one
     * on the higher timeline, the promoted one, becomes the {@link PgConnectionFactory#stickyPrimary()} once both
     * timelines are known, even if nothing saw the old one down (docs/lifecycle.md §2.4): new read-write connects go to
     * it, and a pool drops its unlent sessions on the other ({@code other-primary}).
     *
     * @throws IllegalArgumentException when {@code timeline} is below 1 (PostgreSQL's first is 1)
     */
    void primaryTimeline(HostSpec host, long timeline);

    /**
     * {@code host} stopped answering the watcher (a frozen or cut-off server still ACKs TCP, so nothing else ends the
     * statements waiting on it; docs/lifecycle.md §4): closes every connection the factory handed out to it (matched by
     * {@link HostSpec#label()}) that is still open, as {@link PgConnectionFactory#closeAsync} closes them all —
     * Terminate sent (and a CancelRequest to a running statement's backend, which this close does not wait for: the
     * socket is closed at once), and work in flight, and every later call on those connections, fails with
     * {@link PgClosedException} "connection to host:port closed: {@code reason}". A socket whose Terminate cannot be
     * written within 2 s (a frozen server's full receive window) is closed without it. Pools then drop the closed
     * connections and open new ones, which the watcher's {@link #down} has ordered away from the host. Changes nothing in
     * the host memory by itself.
     *
     * @param reason why, for the callers' errors; must hold no secret
     * @return how many connections were closed; completes when their sockets are closed
     */
    CompletableFuture<Integer> closeConnections(HostSpec host, String reason);
}
