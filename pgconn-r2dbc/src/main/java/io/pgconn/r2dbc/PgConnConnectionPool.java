package io.pgconn.r2dbc;

import io.pgconn.ErrorMessageLines;
import io.pgconn.HostStatus;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcTimeoutException;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * r2dbc-pool's {@link ConnectionPool} whose acquisition timeout says why: r2dbc-pool's own is "Connection acquisition
 * timed out after 3000ms" and nothing else, while the pool and the factory know whether every session was lent out (a
 * slow borrower, a small pool) or the connects failed (an outage: which host, what error). An acquire that times out
 * fails with an {@link R2dbcTimeoutException} (same class, SQLSTATE and error code, r2dbc-pool's as its cause) whose
 * message adds what the pool held then and what the factory last learned of each host, e.g. "Connection acquisition
 * timed out after 3000ms: the pool had 0 session(s) lent out of at most 10, 0 idle, 4 borrower(s) waiting; hosts
 * (what the factory last learned, target_session_attrs=read-write): db1:5432 down at ...: connection refused;
 * db2:5432 up (standby) at ..." (NEW-USER-21 F3: a quarter of an outage's failures said only "timed out", while
 * health knew the reason). Host messages carry no secret (the core's messages never do).
 *
 * <p>A cancel of {@link #create()} before the connection came stops the acquire (r2dbc-pool releases what it was
 * delivering); after, it goes nowhere ({@link PoolLateCancelGuard}): many borrowers cancel their acquire once they have
 * the connection and go on using it, and r2dbc-pool alone then released it without its clean-up, lending it to the next
 * borrower meanwhile (jOOQ 3.19). The connection handed out is a wrapper of r2dbc-pool's
 * ({@link io.r2dbc.spi.Wrapped#unwrap()} gives what r2dbc-pool's gives): its {@code close()} releases once and completes
 * when that release ended; one dropped without {@code close()} (a timeout that fired while it was handed over, a chain
 * cancelled before its close) is released with the same clean-up once the garbage collector found it unreachable.
 * Everything else is r2dbc-pool's.
 */
public class PgConnConnectionPool extends ConnectionPool {

    private final PgConnectionFactory factory;

    /**
     * A pool as {@link ConnectionPool#ConnectionPool(ConnectionPoolConfiguration)} makes it; {@code factory} is the
     * pgconn factory under the configuration's connection factory, whose host memory a timeout names.
     */
    public PgConnConnectionPool(ConnectionPoolConfiguration configuration, PgConnectionFactory factory) {
        super(configuration);
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    @Override
    public Mono<Connection> create() {
        return new PoolLateCancelGuard(super.create()).onErrorMap(R2dbcTimeoutException.class, this::explained);
    }

    private R2dbcTimeoutException explained(R2dbcTimeoutException timeout) {
        String message = timeout.getMessage() + ": " + state(this, this.factory);
        return new R2dbcTimeoutException(message, timeout.getSqlState(), timeout.getErrorCode(), timeout);
    }

    /**
     * What {@code pool} holds (when it has metrics) and what {@code factory} last learned of each host, for a timeout's
     * message: "the pool had 3 session(s) lent out of at most 10, 0 idle, 2 borrower(s) waiting; hosts (what the
     * factory last learned, target_session_attrs=any): db1:5432 up (primary) at ...". {@code pool} may be null.
     */
    public static String state(ConnectionPool pool, PgConnectionFactory factory) {
        StringBuilder state = new StringBuilder();
        PoolMetrics metrics = pool == null ? null : pool.getMetrics().orElse(null);
        if (metrics != null) {
            state.append("the pool had ").append(metrics.acquiredSize()).append(" session(s) lent out of at most ")
                    .append(metrics.getMaxAllocatedSize()).append(", ").append(metrics.idleSize()).append(" idle, ")
                    .append(metrics.pendingAcquireSize()).append(" borrower(s) waiting; ");
        }
        return state.append("hosts (what the factory last learned, target_session_attrs=")
                .append(factory.config().targetSessionAttrs().libpqName()).append("): ")
                .append(hosts(factory.hostStatuses())).toString();
    }

    private static String hosts(List<HostStatus> statuses) {
        return statuses.stream().map(status -> {
            String known = status.host() + " " + status.state().label();
            if (status.role() != ServerRole.UNKNOWN) {
                known += " (" + status.role().label() + ")";
            }
            if (status.lastCheckedAt() != null) {
                known += " at " + status.lastCheckedAt();
            }
            return status.lastError() != null ? known + ": " + ErrorMessageLines.oneLine(status.lastError()) : known;
        }).collect(Collectors.joining("; "));
    }
}
