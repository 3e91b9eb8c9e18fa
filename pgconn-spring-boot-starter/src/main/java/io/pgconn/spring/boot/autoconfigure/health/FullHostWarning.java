package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.HostStatus;
import org.jspecify.annotations.Nullable;

/**
 * The {@code warning} of the {@code pgConn} health, and the text of the WARN line ({@link NoAcceptableHostLog}), when
 * the host new connections would go to refuses new logins for want of a free slot (SQLSTATE 53300:
 * {@code max_connections}, a role's or a database's {@code CONNECTION LIMIT}), or gives a new login no answer while its
 * open sessions answer (a busy connection pooler's queue: NEW-USER-21 F2), and no other acceptable host takes them.
 * It is a warning, not {@code DOWN} (docs/starter.md §3): the server is up, the pool's open sessions keep serving, and
 * taking every instance of the application out of service because the database is full would turn a limit into an
 * outage; what fails is a pool's attempt to grow.
 */
final class FullHostWarning {

    private FullHostWarning() {
    }

    /** The warning, or {@code null} unless {@code active} (the health's {@code activeHost}) is full. */
    static @Nullable String of(@Nullable HostView active) {
        if (active == null || active.state() != HostStatus.State.FULL) {
            return null;
        }
        if (HostFailureReason.isUnansweredLogin(active.error())) {
            return active.host() + " takes no new connections: " + active.error() + " while its open sessions answer"
                    + " (a connection pooler's queue, a stopped postmaster, a hanging authentication); the sessions open to"
                    + " it keep working, a pool cannot grow there";
        }
        return active.host() + " refuses new connections: too many connections (SQLSTATE 53300: max_connections or a"
                + " connection limit of the role or database reached); the sessions open to it keep working, a pool cannot"
                + " grow there";
    }
}
