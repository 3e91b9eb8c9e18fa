package io.pgconn.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.PgErrors;
import io.pgconn.ServerErrorFields;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A connect refused at a full server (53300) for a {@link PgConnPools} pool's borrower gives the borrower back to the
 * pool's queue ({@link PoolHandBack}), where the session another borrower releases serves it — with
 * {@code acquireRetry(0)} too, and until the borrower's deadline, also when the refusal came with less than 0.5 s of the
 * wait left; the signal never reaches a borrower, nor does the bare 53300: a server that stays full fails the acquire at
 * its deadline with an acquisition timeout naming the pool, the wait and the refusal (as HikariCP's does). Against a
 * factory that plays a server with one slot. On session 23's code the second acquire was tied to its refused connect
 * and failed with the 53300 ~0.5 s before its deadline although the session came back; on session 24's (6cbc34f8) a
 * refusal with less than 0.5 s left still failed the acquire with the 53300 at once, an idle session in the pool, and a
 * server that stayed full failed it with the bare 53300 ~0.5 s early.
 */
class PoolHandBackTest {

    private static final Duration MAX_ACQUIRE = Duration.ofSeconds(4);
    private static final Duration STEP = Duration.ofSeconds(30);

    @Test
    @Timeout(60)
    void aBorrowerWhoseConnectTheServerRefusedTakesTheSessionAnotherOneReleases() throws Exception {
        OneSlotServer server = new OneSlotServer();
        try (PgConnectionFactory pg = PgConnectionFactory.create(config())) {
            PgConnConnectionPool pool = pool(server, pg);
            try {
                Connection first = Mono.from(pool.create()).block(STEP);
                CompletableFuture<Connection> second = Mono.from(pool.create()).toFuture();
                // the second acquire grew the pool; its connect was refused and gave it back to the queue
                server.refused.get(STEP.toSeconds(), TimeUnit.SECONDS);
                assertThat(second).as("no session to take yet").isNotDone();
                Mono.from(first.close()).block(STEP);
                Connection served = second.get(STEP.toSeconds(), TimeUnit.SECONDS);
                assertThat(((PoolLeasedConnection) served).unwrap()).as("the session the first borrower released")
                        .isSameAs(((PoolLeasedConnection) first).unwrap());
                Mono.from(served.close()).block(STEP);
            } finally {
                pool.disposeLater().block(STEP);
            }
            assertThat(server.opened.get()).as("sessions opened").isEqualTo(1);
        }
    }

    @Test
    @Timeout(60)
    void aBorrowerRefusedWithLessThanHalfASecondOfItsWaitLeftTakesASessionReleasedBeforeItsDeadline() throws Exception {
        OneSlotServer server = new OneSlotServer();
        try (PgConnectionFactory pg = PgConnectionFactory.create(config())) {
            PgConnConnectionPool pool = pool(server, pg);
            try {
                Connection first = Mono.from(pool.create()).block(STEP);
                // the second borrower's connect is refused 0.45 s before its wait ends, whatever the machine's speed:
                // the scripted server answers that login no sooner than then
                server.refuseNotBeforeNanos = System.nanoTime() + MAX_ACQUIRE.minusMillis(450).toNanos();
                CompletableFuture<Connection> second = Mono.from(pool.create()).toFuture();
                server.refusing.get(STEP.toSeconds(), TimeUnit.SECONDS);
                // released while the second borrower's connect is still under way: idle in the pool when the refusal comes
                Mono.from(first.close()).block(STEP);
                Connection served = second.get(STEP.toSeconds(), TimeUnit.SECONDS);
                assertThat(((PoolLeasedConnection) served).unwrap()).as("the session the first borrower released")
                        .isSameAs(((PoolLeasedConnection) first).unwrap());
                Mono.from(served.close()).block(STEP);
            } finally {
                pool.disposeLater().block(STEP);
            }
            assertThat(server.opened.get()).as("sessions opened").isEqualTo(1);
        }
    }

    @Test
    @Timeout(60)
    void aServerThatStaysFullFailsTheAcquireAtItsDeadlineWithATimeoutNamingTheRefusal() {
        OneSlotServer server = new OneSlotServer();
        server.slots.set(0);
        try (PgConnectionFactory pg = PgConnectionFactory.create(config())) {
            PgConnConnectionPool pool = pool(server, pg);
            long asked = System.nanoTime();
            Throwable failure;
            long failedAfterNanos;
            try {
                failure = catchThrowable(() -> Mono.from(pool.create()).block(STEP));
                failedAfterNanos = System.nanoTime() - asked;
            } finally {
                pool.disposeLater().block(STEP);
            }
            assertThat(failure).isInstanceOf(R2dbcTimeoutException.class)
                    .hasMessageStartingWith("Connection acquisition timed out after 4000ms (pool one-slot), waiting for a "
                            + "session to be released: the server had no free slot for the pool's login (server db1:5432 "
                            + "reported FATAL: too many connections for role (SQLSTATE 53300)); the pool had 0 session(s) lent "
                            + "out of at most 2")
                    .hasMessageContaining("hosts (what the factory last learned");
            assertThat(((R2dbcTimeoutException) failure).getSqlState()).as("the refusal's SQLSTATE").isEqualTo("53300");
            assertThat(failure.getCause()).as("the refusal").isInstanceOf(R2dbcTransientResourceException.class)
                    .hasMessageContaining("53300");
            assertThat(Duration.ofNanos(failedAfterNanos)).as("the borrower waited its whole wait").isGreaterThanOrEqualTo(MAX_ACQUIRE);
            // one login per 250 ms for the pool within the 4-s wait, not a login per hand-back
            assertThat(server.refusals.get()).as("refused logins").isBetween(2, 4 * 4 + 2);
        }
    }

    private static PgConnConnectionPool pool(ConnectionFactory server, PgConnectionFactory pg) {
        ConnectionFactory poolFactory = PgConnPoolCreateRetry.within(server, MAX_ACQUIRE);
        ConnectionPoolConfiguration configuration = ConnectionPoolConfiguration.builder(poolFactory)
                .initialSize(0).maxSize(2).acquireRetry(0).maxAcquireTime(MAX_ACQUIRE)
                .customizer(PgConnPoolCreateRetry.growthAtAFullServer(poolFactory, 0, 2)).build();
        return new PgConnConnectionPool(configuration, pg, MAX_ACQUIRE, "one-slot", PgConnPools.DEFAULT_ABANDONED_LEASE_TIMEOUT);
    }

    private static ConnConfig config() {
        return ConnConfig.parse("host=127.0.0.1 port=1 user=nobody dbname=nothing sslmode=disable",
                EnvironmentSource.of(Map.of()));
    }

    /** A server with one free slot: a connect takes it, the next ones are refused with 53300, as the driver reports it. */
    private static final class OneSlotServer implements ConnectionFactory {
        final AtomicInteger slots = new AtomicInteger(1);
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger refusals = new AtomicInteger();
        final CompletableFuture<Void> refused = new CompletableFuture<>();
        /** Completes when a login that will be refused began. */
        final CompletableFuture<Void> refusing = new CompletableFuture<>();
        /** A refusal is answered no sooner than this ({@link System#nanoTime}; 0: at once). */
        volatile long refuseNotBeforeNanos;

        @Override
        public Publisher<? extends Connection> create() {
            return Mono.defer(() -> {
                if (slots.getAndUpdate(free -> Math.max(0, free - 1)) > 0) {
                    opened.incrementAndGet();
                    return Mono.just(session());
                }
                refusing.complete(null);
                long answerIn = refuseNotBeforeNanos == 0 ? 0 : Math.max(0, refuseNotBeforeNanos - System.nanoTime());
                return Mono.delay(Duration.ofNanos(answerIn)).then(Mono.defer(() -> {
                    refusals.incrementAndGet();
                    refused.complete(null);
                    return Mono.error(R2dbcErrors.translate(PgErrors.fromServer("db1:5432", new ServerErrorFields(
                            Map.of('S', "FATAL", 'V', "FATAL", 'C', "53300", 'M', "too many connections for role")), true)));
                }));
            });
        }

        @Override
        public ConnectionFactoryMetadata getMetadata() {
            return () -> "one-slot";
        }

        private static Connection session() {
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "validate" -> Mono.just(true);
                        case "isAutoCommit" -> true;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "session";
                        default -> Mono.empty();
                    });
        }
    }
}
