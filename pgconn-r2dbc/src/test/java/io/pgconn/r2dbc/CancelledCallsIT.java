package io.pgconn.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.trace.PgTracer;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/** Calls whose reader gives up (a Reactor timeout, a client that went away) leave nothing open behind them. */
class CancelledCallsIT {

    private static final Duration STEP = Duration.ofSeconds(10);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-cancelled-calls", 0).build();

    @Test
    void aConnectTheReaderGaveUpOnIsClosedNotLeftOpen() {
        AtomicInteger started = new AtomicInteger();
        AtomicInteger ended = new AtomicInteger();
        PgTracer connects = new PgTracer() {
            @Override
            public void connectStarted(ConnectStarted event) {
                started.incrementAndGet();
            }

            @Override
            public void connectEnded(ConnectEnded event) {
                ended.incrementAndGet();
            }
        };
        ConnConfig config = ConnConfig.parse("host=127.0.0.1 port=" + PG.primary().port() + " user=" + R2dbcTestServer.USER
                + " password=" + R2dbcTestServer.PASSWORD + " dbname=" + R2dbcTestServer.DATABASE + " sslmode=disable");
        try (PgConnectionFactory core = PgConnectionFactory.builder(config).tracer(connects).build()) {
            PgConnR2dbcConnectionFactory factory = PgConnR2dbcConnectionFactory.of(core);
            int givenUp = 0;
            for (int i = 0; i < 20; i++) {
                try {
                    Connection connection = Mono.from(factory.create()).timeout(Duration.ofNanos(1)).block(STEP);
                    Mono.from(connection.close()).block(STEP); // the connect beat the timeout: the reader owns it
                } catch (RuntimeException timedOut) {
                    givenUp++;
                }
            }
            assertThat(givenUp).as("connects cancelled while under way").isPositive();
            awaitCondition("every connect to have ended", STEP, () -> ended.get() == started.get());
            awaitCondition("every connect the reader gave up on to be closed", STEP, () -> core.openConnections() == 0);
            awaitCondition("the server to have no session of the test's user left", STEP,
                    () -> "0".equals(PG.primary().queryValue("SELECT count(*) FROM pg_stat_activity WHERE usename = '"
                            + R2dbcTestServer.USER + "'")));
        }
    }
}
