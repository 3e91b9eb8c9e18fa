package io.pgconn.r2dbc;

import io.pgconn.ConnectFailures;
import io.pgconn.HostStatus;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgException;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.TargetSessionAttrs;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.IsolationLevel;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Objects;

/**
 * An R2DBC {@link ConnectionFactory} over a pgconn {@link PgConnectionFactory}: every connection
 * comes from the core's connect (multi-host walk, {@code target_session_attrs}, TLS, SCRAM cache)
 * and the core factory's host memory decides {@code validate(LOCAL)}. Put a pool (r2dbc-pool) in
 * front of it for applications.
 */
public final class PgConnR2dbcConnectionFactory implements ConnectionFactory, AutoCloseable {

    private final PgConnectionFactory core;
    private final boolean ownsCore;
    /** Standbys whose pg_hba.conf rejected this factory's prefer-standby login (session 24's eviction-churn drill). */
    private final RefusingStandbys refusingStandbys = new RefusingStandbys();
    /** The SQL its connections run on a release to a pool after use, after the clean-up ({@link ReleaseCleanUp}); null: none. */
    private final String resetOnRelease;

    private PgConnR2dbcConnectionFactory(PgConnectionFactory core, boolean ownsCore, String resetOnRelease) {
        this.core = Objects.requireNonNull(core, "core");
        this.ownsCore = ownsCore;
        this.resetOnRelease = resetOnRelease;
    }

    /**
     * A factory over a core factory the caller keeps (and closes): share one core factory between
     * R2DBC and direct pgconn use, so both see one host memory.
     */
    public static PgConnR2dbcConnectionFactory of(PgConnectionFactory core) {
        return new PgConnR2dbcConnectionFactory(core, false, null);
    }

    /**
     * A factory over a core factory the caller keeps whose connections run {@code sql} on a release to their pool after use,
     * after the clean-up ({@link PgConnPools.Builder#resetOnRelease}).
     */
    static PgConnR2dbcConnectionFactory resettingOnRelease(PgConnectionFactory core, String sql) {
        return new PgConnR2dbcConnectionFactory(core, false, Objects.requireNonNull(sql, "sql"));
    }

    /**
     * A factory that closes {@code core} when it is closed (the driver's URL route), its connections running
     * {@code resetOnRelease} on release to their pool (null: nothing).
     */
    static PgConnR2dbcConnectionFactory owning(PgConnectionFactory core, String resetOnRelease) {
        return new PgConnR2dbcConnectionFactory(core, true, resetOnRelease);
    }

    /** The core factory behind this one. */
    public PgConnectionFactory pgConnectionFactory() {
        return core;
    }

    @Override
    public Mono<io.r2dbc.spi.Connection> create() {
        return connect().flatMap(this::open).onErrorMap(R2dbcErrors::translate);
    }

    /**
     * The core's connect; under {@code prefer-standby}, one that a standby's {@code pg_hba.conf} stopped (28000) is
     * tried once more without the standbys refusing this factory's logins ({@link RefusingStandbys}): reads may go to
     * the primary, and the pool keeps working. The second connect gets what is left of {@code connectTimeout}, so one
     * {@code create()} keeps the one deadline docs/lifecycle.md §3 promises (REVIEW-25 R25-6). That failing too, the
     * second connect's failure is thrown ({@link #fallbackFailure}).
     */
    private Mono<PgConnection> connect() {
        return Mono.defer(() -> {
            long started = System.nanoTime();
            // a connect the reader gave up on is closed, not left open
            return CoreFutures.untilDone(core::connect, PgConnection::close)
                    .doOnNext(connection -> refusingStandbys.landed(SessionValidity.hostLabel(connection)))
                    .onErrorResume(PgException.class, failure -> {
                        ConnConfig config = core.config();
                        if (refusingStandbys.refusedBy(failure, config, this::hostStatus) == null) {
                            return Mono.error(failure);
                        }
                        ConnConfig others = refusingStandbys.withoutRefusing(config);
                        ConnConfig bounded = others == null ? null : withWhatIsLeft(others, System.nanoTime() - started);
                        if (bounded == null) {
                            return Mono.error(failure);
                        }
                        return CoreFutures.untilDone(() -> core.connect(bounded), PgConnection::close)
                                .doOnNext(connection -> refusingStandbys.landed(SessionValidity.hostLabel(connection)))
                                .onErrorResume(second -> Mono.error(fallbackFailure(failure, second)));
                    });
        });
    }

    /**
     * {@code others} with the part of its {@code connectTimeout} that {@code elapsedNanos} left, or {@code null} when
     * nothing is left; as it is when {@code connectTimeout} is 0 (no whole-connect deadline).
     */
    static ConnConfig withWhatIsLeft(ConnConfig others, long elapsedNanos) {
        Duration total = others.connectTimeout();
        if (total == null || total.isZero()) {
            return others;
        }
        Duration left = total.minusNanos(elapsedNanos);
        return left.compareTo(Duration.ofMillis(1)) < 0 ? null : others.toBuilder().connectTimeout(left).build();
    }

    /**
     * What a connect that failed on a standby refusing this factory's logins ({@code refused}) and again without it
     * ({@code second}) throws: the second failure — the hosts a retry reaches, by which R2DBC's translation and the
     * pool's create retry judge it (REVIEW-24 R24-10: the standby's 28000 was thrown, so a full primary behind it read as
     * a refused login, not retried). The first rides along as suppressed, except on a walk report (no host of its own),
     * whose suppressed list is the hosts' failures in the order tried and decides its classification
     * ({@link ConnectFailures#deciding}): that report gets one more line naming the standby left out and why
     * (REVIEW-25 R25-6: it listed only the hosts the retry tried), through {@link ConnectFailures#withHostLine}, the
     * core's one way to add to a report; the standby is the one that decided {@code refused}, itself a walk's report
     * when other hosts failed before it.
     */
    static Throwable fallbackFailure(PgException refused, Throwable second) {
        if (!(second instanceof PgException failure)) {
            return second;
        }
        if (!ConnectFailures.isWalkReport(failure)) {
            failure.addSuppressed(refused);
            return failure;
        }
        PgException standby = ConnectFailures.deciding(refused);
        return ConnectFailures.withHostLine(failure, standby.host(), "left out of the retry: it refused this factory's login ("
                + standby.sqlState().orElse("no SQLSTATE") + ")");
    }

    /** Whether {@code host} (its label) is a standby that rejected this factory's login (28000) since it last landed there. */
    boolean isRefusingLogins(String host) {
        return refusingStandbys.isRefusing(host);
    }

    /** Reads the session's default isolation level once, so getTransactionIsolationLevel() needs no round trip. */
    private Mono<io.r2dbc.spi.Connection> open(PgConnection connection) {
        SessionPort session = new ExtendedQuerySession(connection);
        return CoreFutures.untilDone(() -> connection.simpleQuery("SHOW default_transaction_isolation"), result -> connection.close())
                .map(result -> (io.r2dbc.spi.Connection) new PgConnR2dbcConnection(session, this,
                        TransactionSql.isolationOf(result.singleValue())))
                .onErrorResume(error -> CoreFutures.untilDone(connection::close).onErrorResume(e -> Mono.empty())
                        .then(Mono.error(error)));
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return PgConnR2dbcConnectionFactoryMetadata.INSTANCE;
    }

    /**
     * How long {@code validate(REMOTE)} waits for its round trip: {@code hostConnectTimeout} (libpq's
     * {@code connect_timeout}), else the whole connect's {@code connectTimeout}, else 10 s. A server that stopped answering
     * (frozen, or behind a dead network) must not hang a pool or a health check that validates.
     */
    java.time.Duration remoteValidationTimeout() {
        java.time.Duration host = core.config().hostConnectTimeout();
        if (host != null && !host.isZero()) {
            return host;
        }
        java.time.Duration total = core.config().connectTimeout();
        return total != null && !total.isZero() ? total : java.time.Duration.ofSeconds(10);
    }

    /** The SQL its connections run on a release to a pool after use ({@link ReleaseCleanUp}); null: none. */
    String resetOnRelease() {
        return resetOnRelease;
    }

    TargetSessionAttrs targetSessionAttrs() {
        return core.config().targetSessionAttrs();
    }

    /** What the core factory remembers of one host (null label: nothing). */
    HostStatus hostStatus(String hostLabel) {
        return hostLabel == null ? null : core.hostStatus(hostLabel);
    }

    /** The core factory's sticky primary ({@link PgConnectionFactory#stickyPrimary()}): where its read-write connects go first. */
    java.util.Optional<String> stickyPrimary() {
        return core.stickyPrimary();
    }

    /** What the core factory remembers of every configured host, in configuration order. */
    java.util.List<HostStatus> hostStatuses() {
        return core.hostStatuses();
    }

    /** Closes the core factory if this factory created it (from an R2DBC URL); a shared one stays open. */
    @Override
    public void close() {
        if (ownsCore) {
            core.closeAsync(Duration.ofSeconds(10)).join();
        }
    }

    @Override
    public String toString() {
        return "PgConnR2dbcConnectionFactory[" + core + "]";
    }
}
