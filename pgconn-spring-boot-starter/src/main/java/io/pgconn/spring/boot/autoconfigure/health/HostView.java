package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.HostStatus;
import io.pgconn.JvmDnsCache;
import io.pgconn.ServerRole;
import org.jspecify.annotations.Nullable;

import java.time.Instant;

/**
 * What the last probe of one host saw. {@code error} never holds a secret.
 *
 * @param host          {@code host:port}
 * @param state         up; full: answers, refuses new logins for want of a free slot (53300); down; or unknown before
 *                      the first probe ended
 * @param role          the role the server reported, or its last known role while it is down
 * @param checkedAt     when the last probe ended, or {@code null} before it
 * @param error         why the last probe failed, or the last new login was refused (full), or {@code null}
 * @param serverVersion {@code server_version} of the monitor connection's server, or {@code null}
 * @param nextCheckAt   when the monitor checks the host next, when that is put off past the next probes: it has no
 *                      session to ask and waits before its next login (after refused logins, or a full host: one login
 *                      per relogin interval), so {@code checkedAt} stays that old meanwhile; {@code null} when every
 *                      probe checks it
 * @param askedAt       when the probe whose answer shows the host up began (its answer says the host was there after
 *                      that moment: {@code HostSessionLossLog}); {@code null} unless up
 * @param primarySince  when the host's current run of answers as primary began (the first such answer's
 *                      {@code checkedAt}), kept while it answers as primary, up or full; {@code null} otherwise —
 *                      also for a full host whose role nothing answered (no open probe session, its new login
 *                      refused: the role shown is the last known one, REVIEW-24 R24-5) — a split brain counts two
 *                      primaries only once each answered after the other became one ({@link SplitBrainWarning})
 * @param lookedUp      the host's name and the address its probe session was dialled on, when the host is a name
 *                      (the JVM's DNS cache chose it: {@link NoAcceptableHostLog} names it, new user 24 F2); {@code null}
 *                      for an IP address or a socket, and unless the host answers on a probe session
 * @param serverChange  the last change of the server behind the label while the label stayed (a switchover behind
 *                      one name or virtual IP: {@link ServerBehindLabel}), kept in every later view; {@code null} if
 *                      none was seen
 */
record HostView(String host, HostStatus.State state, ServerRole role, @Nullable Instant checkedAt, @Nullable String error,
                @Nullable String serverVersion, @Nullable Instant nextCheckAt, @Nullable Instant askedAt,
                @Nullable Instant primarySince, JvmDnsCache.@Nullable LookedUp lookedUp,
                ServerBehindLabel.@Nullable Change serverChange) {

    static HostView unknown(String host) {
        return new HostView(host, HostStatus.State.UNKNOWN, ServerRole.UNKNOWN, null, null, null, null, null, null, null, null);
    }

    /** This view, showing that the server behind the label changed ({@code change}). */
    HostView serverChanged(ServerBehindLabel.Change change) {
        return new HostView(this.host, this.state, this.role, this.checkedAt, this.error, this.serverVersion, this.nextCheckAt,
                this.askedAt, this.primarySince, this.lookedUp, change);
    }

    /** {@link #up(ServerRole, String, Instant, Instant, JvmDnsCache.LookedUp)} by a probe that began {@code at}. */
    HostView up(ServerRole role, String serverVersion, Instant at) {
        return up(role, serverVersion, at, at, null);
    }

    /** Answered in {@code role} at {@code at}, by a probe that began {@code askedAt}, on the session {@code lookedUp} tells. */
    HostView up(ServerRole role, String serverVersion, Instant askedAt, Instant at, JvmDnsCache.@Nullable LookedUp lookedUp) {
        return new HostView(this.host, HostStatus.State.UP, role, at, null, serverVersion, null, askedAt, primarySince(role, at),
                lookedUp, this.serverChange);
    }

    /** {@link #down(String, Instant, Instant)} checked again at the next probe. */
    HostView down(String error, Instant at) {
        return down(error, at, null);
    }

    /** Keeps the last known role, as the factory's host memory does; {@code nextCheckAt}: see the record. */
    HostView down(String error, Instant at, @Nullable Instant nextCheckAt) {
        return new HostView(this.host, HostStatus.State.DOWN, this.role, at, error, null, nextCheckAt, null, null, null,
                this.serverChange);
    }

    /** {@link #full(String, ServerRole, Instant, Instant)} checked again at the next probe. */
    HostView full(String error, ServerRole role, Instant at) {
        return full(error, role, at, null);
    }

    /**
     * Answers but refused a new login for want of a free slot (53300): the sessions open to it keep working.
     * {@code role}: what the monitor's open session answered, else the last known one. Keeps the server version.
     * {@code nextCheckAt}: see the record (with an open session to ask, {@code null}).
     */
    HostView full(String error, ServerRole role, Instant at, @Nullable Instant nextCheckAt) {
        return new HostView(this.host, HostStatus.State.FULL, role, at, error, this.serverVersion, nextCheckAt, null,
                primarySince(role, at), this.lookedUp, this.serverChange);
    }

    /**
     * Refused a new login for want of a free slot with no open session to ask its role (REVIEW-24 R24-5): full in the
     * last known role, but with no {@code primarySince} — nothing answered as primary, so a split brain does not count
     * it (an old primary back as a busy standby at {@code max_connections} kept "answering as primary" on its last
     * role, and the WARN "2 hosts answer as primary" went out and stayed while it was full).
     */
    HostView fullWithoutAnswer(String error, Instant at, @Nullable Instant nextCheckAt) {
        return new HostView(this.host, HostStatus.State.FULL, this.role, at, error, this.serverVersion, nextCheckAt, null, null,
                null, this.serverChange);
    }

    /** This view's {@code primarySince} carried on by an answer in {@code role} at {@code at}. */
    private @Nullable Instant primarySince(ServerRole role, Instant at) {
        if (role != ServerRole.PRIMARY) {
            return null;
        }
        return answers() && this.role == ServerRole.PRIMARY && this.primarySince != null ? this.primarySince : at;
    }

    /**
     * Whether this host answered as primary after {@code other} became one ({@code other}'s {@code primarySince}):
     * the two were primaries at the same time, not one after the other (a clean switchover: the old primary's last
     * answer came before the promoted standby's first).
     */
    boolean answeredAsPrimaryAfterItBecameOne(HostView other) {
        return this.checkedAt != null && other.primarySince != null && this.checkedAt.isAfter(other.primarySince);
    }

    /** Up and taking new sessions. */
    boolean isUp() {
        return this.state == HostStatus.State.UP;
    }

    /** Up, whether or not it takes new sessions now: {@link #isUp()} or full. */
    boolean answers() {
        return this.state == HostStatus.State.UP || this.state == HostStatus.State.FULL;
    }
}
