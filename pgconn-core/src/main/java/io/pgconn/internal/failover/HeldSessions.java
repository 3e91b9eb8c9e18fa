package io.pgconn.internal.failover;

import io.pgconn.internal.session.ConnectionControl;

import java.util.ArrayList;
import java.util.List;

/**
 * Sessions a walk holds back instead of handing them out or closing them at once: prefer-standby's
 * first acceptable server of pass 1 (what pass 2 would pick if no standby answers), and sessions of
 * hosts with the wrong role, whose Terminate waits until the walk ends — their backends' exit would
 * otherwise compete for CPU with the next host's startup when both share a machine (a probe of the
 * first-failover walk on 2 vCPUs: 40.5 → 35 ms p50). {@link #release} closes what is still held.
 */
final class HeldSessions {

    private ConnectionControl secondPassCandidate;
    private final List<ConnectionControl> wrongRole = new ArrayList<>();
    private boolean released;

    /** Keeps the first candidate; a later one, or one after the walk ended, is closed. */
    synchronized void offerCandidate(ConnectionControl connection) {
        if (secondPassCandidate == null && !released) {
            secondPassCandidate = connection;
        } else {
            connection.close();
        }
    }

    /** The candidate, now owned by the caller, or null. */
    synchronized ConnectionControl takeCandidate() {
        ConnectionControl candidate = secondPassCandidate;
        secondPassCandidate = null;
        return candidate;
    }

    /** Closes the session when the walk ends (now, if it has). */
    void closeAtEnd(ConnectionControl connection) {
        synchronized (this) {
            if (!released) {
                wrongRole.add(connection);
                return;
            }
        }
        connection.close();
    }

    /** The walk ended: closes everything still held except {@code handedOut}. */
    void release(ConnectionControl handedOut) {
        List<ConnectionControl> toClose;
        synchronized (this) {
            released = true;
            if (wrongRole.isEmpty() && secondPassCandidate == null) {
                return; // the usual walk: nothing held
            }
            toClose = new ArrayList<>(wrongRole);
            wrongRole.clear();
            if (secondPassCandidate != null) {
                toClose.add(secondPassCandidate);
                secondPassCandidate = null;
            }
        }
        toClose.stream().filter(c -> c != handedOut).forEach(ConnectionControl::close);
    }
}
