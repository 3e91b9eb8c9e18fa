package io.pgconn.r2dbc;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Where the pgconn session under an R2DBC connection is, and when it ends — read with {@link PgConnUnwrap#sessionHost}
 * without lending the session, so that watching a pool's sessions is no use of them (the reset on release does not run
 * for it; docs/r2dbc.md §4). Labels only, never a credential.
 *
 * @param label  the session's host ({@link io.pgconn.config.HostSpec#label()}, {@code host:port}), as health names hosts
 * @param closed completes when the session has closed (evicted, ended by the server, its pool disposed); a stage that
 *               cannot be completed by its reader
 */
public record PgConnSessionHost(String label, CompletionStage<Void> closed) {

    public PgConnSessionHost {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(closed, "closed");
    }
}
