package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnection;
import org.jspecify.annotations.Nullable;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A {@link HostMonitor}'s one open probe session and its age: a session opened long ago keeps answering while the server
 * refuses every new login (a rotated password, a pg_hba.conf change, a full server), so once it is
 * {@code reloginInterval} old the monitor logs in anew ({@link #dueForLogin}). A new session replaces the old one, which
 * is closed without waiting (a frozen server would hold the probe); once {@link #close}d, a session handed over is closed
 * at once. The monitor decides when a session is kept, renewed or dropped; this holds it.
 */
final class ProbeSession {

    private final Clock clock;

    /** Age of the session at which the next probe logs in anew; zero: never. */
    private final Duration reloginInterval;

    private volatile @Nullable PgConnection connection;

    /**
     * When {@link #connection} logged in, or a later login was refused for want of a free slot while it was kept: a
     * probe after {@link #reloginInterval} logs in again.
     */
    private volatile @Nullable Instant connectedAt;

    private volatile boolean closed;

    ProbeSession(Clock clock, Duration reloginInterval) {
        this.clock = clock;
        this.reloginInterval = reloginInterval;
    }

    /** The session kept now, open or not; {@code null} when there is none. */
    @Nullable PgConnection current() {
        return this.connection;
    }

    /** The session, or {@code null} when there is none or it is closed, or this is closed. */
    @Nullable PgConnection open() {
        PgConnection current = this.connection;
        return this.closed || current == null || current.isClosed() ? null : current;
    }

    /** Takes a new session, closing the one it replaces (not awaited); closes it instead once this is closed. */
    void keep(PgConnection opened) {
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

    /** The kept session is old enough to be replaced by a new login. */
    boolean dueForLogin() {
        Instant since = this.connectedAt;
        return !this.reloginInterval.isZero() && since != null
                && !this.clock.instant().isBefore(since.plus(this.reloginInterval));
    }

    /** The next login a relogin interval from now, the session kept (one login per relogin interval, not per probe). */
    void putOffLogin() {
        this.connectedAt = this.clock.instant();
    }

    /** Drops the session, closing it (not awaited: a frozen server would hold the probe). */
    void drop() {
        PgConnection current = this.connection;
        this.connection = null;
        if (current != null) {
            current.close();
        }
    }

    /** Drops the session for good: one handed over later is closed at once. */
    void close() {
        this.closed = true;
        drop();
    }
}
