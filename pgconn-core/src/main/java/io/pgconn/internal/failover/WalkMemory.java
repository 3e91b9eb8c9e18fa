package io.pgconn.internal.failover;

import io.pgconn.PgErrors;
import io.pgconn.PgException;
import io.pgconn.PgRoleMismatchException;
import io.pgconn.ServerRole;
import io.pgconn.config.TargetSessionAttrs;

/**
 * What one {@link ConnectWalk}'s attempts tell the factory's host status memory ({@link HostStatusRegistry}),
 * which orders the next connects' hosts (docs/lifecycle.md §2.4): a host connected, up in the role it answered,
 * down, full, or cut short by the whole connect's deadline.
 */
final class WalkMemory {

    private final HostStatusRegistry registry;
    private final TargetSessionAttrs target;
    /** When the walk began, in the order of the factory's connects: a straggler does not move the sticky primary. */
    private final long begun;

    WalkMemory(HostStatusRegistry registry, TargetSessionAttrs target) {
        this.registry = registry;
        this.target = target;
        this.begun = registry.connectBegins();
    }

    /** The walk hands out a session to {@code label} in {@code role}. */
    void connected(String label, ServerRole role) {
        registry.recordConnected(label, role, target, begun);
    }

    /**
     * An attempt's failure (the walk has counted it already). A host in the wrong role is up in it. Only a host that
     * could not take the session is remembered as down — or full, when it refused the session for want of a free slot
     * (53300), or answered the login and then not the connect's query within the host's budget while this factory
     * holds open sessions to it: up, its open sessions fine (docs/lifecycle.md §2.4). A failure that ends the walk — a
     * refused password, a bad setting, a TLS verification failure, an ErrorResponse such as 42501 — is about this
     * configuration, not about the host, and must not move the host to the end of the next connects' order (libpq has
     * no memory: it starts with the first host again); nor must a 3D000, after which the walk moves on (a standby that
     * has not replayed a new database yet is up, and has it a moment later).
     *
     * @param attempt the attempt that failed; null for a host whose name did not resolve
     */
    void failed(HostAttempt attempt, String label, PgException error, boolean duringStartup) {
        if (error instanceof PgRoleMismatchException mismatch) {
            registry.recordUp(label, mismatch.role());
            return;
        }
        if (WalkStopRule.saysNothingOfTheHost(error, duringStartup)) {
            return;
        }
        if (error.sqlState().filter(PgErrors::isNoFreeSlot).isPresent()) {
            registry.recordFull(label, error.getMessage()); // up, no free slot: its open sessions are fine
        } else if (attempt != null && attempt.timedOutLoggedIn()) {
            timedOutLoggedIn(label, error);
        } else {
            registry.recordDown(label, error.getMessage());
        }
    }

    /** connectTimeout ran out while {@code label} was looked up or tried: slow or silent, not down. */
    void cutShort(String label) {
        registry.recordCutOff(label);
    }

    /**
     * The host answered the login, then the connect's role probe or type OID query got no answer within its budget:
     * while sessions of this factory to it are open, remembered full, not down — a pooler's queue (PgBouncer in
     * session mode with every server session in use answers the login from its cached parameters and queues the
     * first query) or a server too busy to answer, not a dead or frozen one (that answers no login); its open
     * sessions are what still works, and a pool evicts on down (NEW-USER-21 F2). With none open, down.
     */
    private void timedOutLoggedIn(String label, PgException error) {
        int open = registry.openSessions(label);
        if (open == 0) {
            registry.recordDown(label, error.getMessage());
            return;
        }
        registry.recordFull(label, error.getMessage() + "; it answered the login, and " + open + (open == 1 ? " session" : " sessions")
                + " of this factory to it " + (open == 1 ? "is" : "are") + " open: remembered full, not down (a pooler's queue,"
                + " e.g. PgBouncer in session mode with every server session in use, or a server too busy to answer a query)");
    }
}
