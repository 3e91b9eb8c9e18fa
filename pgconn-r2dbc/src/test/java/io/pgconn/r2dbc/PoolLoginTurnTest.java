package io.pgconn.r2dbc;

import io.pgconn.PgErrors;
import io.pgconn.ServerErrorFields;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * At a full server the pool's login turn holds for as long as the login really takes: two connects of one pool under
 * way at once — what the pool's allocation makes when reactor-pool begins a granted connect more than 1 s late (the
 * growth hold's grant expired and another was granted) — never log in at the same time, also when a login takes
 * longer than the 250-ms spacing of the turns (a slow TLS handshake or SCRAM exchange on a loaded server). The scripted
 * server here takes 1 s to refuse each login (53300). On 6cbc34f8 the turns were a fixed 250 ms apart whatever the
 * login took: the second connect's turn came 250 ms into the first one's second login and the two were refused side
 * by side. Each connect still fails with the server's 53300 at its deadline (no borrower: a plain pool's connect).
 */
class PoolLoginTurnTest {

    private static final Duration LOGIN = Duration.ofSeconds(1);
    private static final Duration MAX_ACQUIRE = Duration.ofSeconds(4);
    private static final Duration STEP = Duration.ofSeconds(30);

    @Test
    @Timeout(60)
    void twoConnectsAtAFullServerNeverLogInAtOnceWhenALoginOutlastsTheSpacing() throws Exception {
        SlowFullServer server = new SlowFullServer();
        PgConnPoolCreateRetry creates = (PgConnPoolCreateRetry) PgConnPoolCreateRetry.within(server, MAX_ACQUIRE);

        CompletableFuture<Connection> first = Mono.<Connection>from(creates.create()).toFuture();
        // the first refusal tells the pool the server is full: from then on its connects take turns
        awaitCondition("the first login refused", STEP, creates::atAFullServer);
        CompletableFuture<Connection> second = Mono.<Connection>from(creates.create()).toFuture();

        for (CompletableFuture<Connection> connect : List.of(first, second)) {
            Throwable failure = catchThrowable(() -> connect.get(STEP.toSeconds(), TimeUnit.SECONDS));
            assertThat(failure).isInstanceOf(ExecutionException.class);
            assertThat(failure.getCause()).as("each connect fails with the server's refusal at its deadline")
                    .isInstanceOf(R2dbcTransientResourceException.class).hasMessageContaining("53300");
        }
        assertThat(server.mostAtOnce.get()).as("logins under way at the same time").isEqualTo(1);
        assertThat(server.refusals.get()).as("the second connect logged in too, after the first's login ended")
                .isGreaterThanOrEqualTo(3);
    }

    /** A server with no free slot that takes {@link #LOGIN} to refuse a login; counts logins under way at once. */
    private static final class SlowFullServer implements ConnectionFactory {
        final AtomicInteger underWay = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final AtomicInteger refusals = new AtomicInteger();

        @Override
        public Publisher<? extends Connection> create() {
            return Mono.defer(() -> {
                mostAtOnce.accumulateAndGet(underWay.incrementAndGet(), Math::max);
                return Mono.delay(LOGIN).then(Mono.<Connection>defer(() -> {
                    underWay.decrementAndGet();
                    refusals.incrementAndGet();
                    return Mono.error(R2dbcErrors.translate(PgErrors.fromServer("db1:5432", new ServerErrorFields(
                            Map.of('S', "FATAL", 'V', "FATAL", 'C', "53300", 'M', "too many connections for role")), true)));
                }));
            });
        }

        @Override
        public ConnectionFactoryMetadata getMetadata() {
            return () -> "slow-full";
        }
    }
}
