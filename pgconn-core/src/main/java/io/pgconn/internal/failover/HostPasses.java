package io.pgconn.internal.failover;

import io.pgconn.config.HostSpec;

import java.util.List;

/**
 * The hosts of one {@link ConnectWalk} in the order it takes them: each host once per pass, as many passes as
 * {@code target_session_attrs} asks for ({@code prefer-standby}: a second pass that takes any server, as libpq's;
 * docs/lifecycle.md §2.2). Used by the walk under its own lock, on its loop.
 */
final class HostPasses {

    private final List<HostSpec> hosts;
    private final int passes;
    private int index;
    private int pass = 1;

    HostPasses(List<HostSpec> hosts, int passes) {
        this.hosts = hosts;
        this.passes = passes;
    }

    List<HostSpec> hosts() {
        return hosts;
    }

    /** The pass under way, from 1. */
    int pass() {
        return pass;
    }

    /** Whether every host of this pass has been taken. */
    boolean passOver() {
        return index >= hosts.size();
    }

    /** Starts the next pass from the first host; false when this pass was the last. */
    boolean nextPass() {
        if (pass >= passes) {
            return false;
        }
        pass++;
        index = 0;
        return true;
    }

    /** The next host of this pass; only while {@link #passOver()} is false. */
    HostSpec next() {
        return hosts.get(index++);
    }
}
