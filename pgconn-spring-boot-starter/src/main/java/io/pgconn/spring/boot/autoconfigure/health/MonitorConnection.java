package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.QueryResult;
import io.pgconn.config.ConnConfig;
import io.pgconn.ServerRole;
import io.pgconn.config.TargetSessionAttrs;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One long-lived connection for health checks, opened through the factory's failover logic and
 * reused between checks, so a probe costs one round trip instead of a TLS + SCRAM handshake. Each
 * check validates it with a cheap query under a deadline; when it broke, or the server's role no
 * longer satisfies {@code target_session_attrs} (a demoted primary), it is closed and re-opened.
 */
final class MonitorConnection implements AutoCloseable {

    /** Role and read-only-ness now, not at session start: a promoted standby answers differently. */
    static final String VALIDATION_QUERY = "SELECT pg_is_in_recovery(), current_setting('transaction_read_only')";

    private final PgConnectionFactory factory;

    private final ConnConfig monitorConfig;

    private @Nullable PgConnection connection;

    private boolean closed;

    MonitorConnection(PgConnectionFactory factory, Duration timeout) {
        this.factory = factory;
        this.monitorConfig = monitorConfig(factory.config(), timeout);
    }

    /** The factory's settings, with a connect deadline no longer than a check and no type discovery. */
    private static ConnConfig monitorConfig(ConnConfig config, Duration timeout) {
        Duration deadline = config.connectTimeout().isZero() || config.connectTimeout().compareTo(timeout) > 0
                ? timeout : config.connectTimeout();
        return config.toBuilder().connectTimeout(deadline).extensionTypes(List.of()).build();
    }

    /** What a successful check saw. */
    record Probe(PgConnection connection, ServerRole role, boolean reopened) {
    }

    /**
     * Validates the monitor connection, re-opening it when needed, all within {@code timeout}.
     *
     * @throws Exception the reason no acceptable server answered (a {@link TimeoutException} when time ran out)
     */
    synchronized Probe check(Duration timeout) throws Exception {
        if (this.closed) {
            throw new IllegalStateException("health monitor connection is closed");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        PgConnection current = this.connection;
        if (current != null && !current.isClosed()) {
            try {
                ServerRole role = validate(current, deadline);
                if (acceptable(role)) {
                    return new Probe(current, role, false);
                }
            } catch (ExecutionException | TimeoutException e) {
                // broken or unresponsive: replaced below
            }
            discard(current);
        }
        this.connection = null;
        PgConnection opened = await(this.factory.connect(this.monitorConfig), deadline, PgConnection::close);
        try {
            ServerRole role = validate(opened, deadline);
            this.connection = opened;
            return new Probe(opened, role, true);
        } catch (Exception e) {
            discard(opened);
            throw e;
        }
    }

    private boolean acceptable(ServerRole role) {
        TargetSessionAttrs attrs = this.monitorConfig.targetSessionAttrs();
        return attrs.accepts(role, attrs.passes() > 1);
    }

    private static ServerRole validate(PgConnection connection, long deadline) throws Exception {
        QueryResult result = await(connection.simpleQuery(VALIDATION_QUERY), deadline, null);
        List<String> row = result.rows().get(0);
        return ServerRole.of("t".equals(row.get(0)), "on".equals(row.get(1)));
    }

    /** Waits until {@code deadline}; on timeout, whatever the future still yields is handed to {@code orphan}. */
    private static <T> T await(CompletableFuture<T> future, long deadline,
            java.util.function.@Nullable Consumer<T> orphan) throws Exception {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (orphan != null) {
                future.thenAccept(orphan);
            }
            throw e;
        }
    }

    private static void discard(PgConnection connection) {
        // not awaited: a check must not wait for a dead server's socket to close
        connection.close();
    }

    @Override
    public synchronized void close() {
        this.closed = true;
        PgConnection current = this.connection;
        this.connection = null;
        if (current != null) {
            current.close();
        }
    }
}
