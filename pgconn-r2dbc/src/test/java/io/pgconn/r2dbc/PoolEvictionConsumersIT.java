package io.pgconn.r2dbc;

import io.pgconn.testing.TestHostWatcher;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.HostSpec;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PgConnPools.Builder#evicted} consumers are told each on their own ({@link EvictionConsumers}): one that throws
 * kept the later ones from being told and, its exception leaving r2dbc-pool's destroy handler before the session's
 * {@code close()}, left the evicted sessions open on the server (session 31). On a real server: two pooled sessions,
 * their host then remembered down, so the pool evicts both (still open) as {@code host-down}.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PoolEvictionConsumersIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-eviction-consumers", 0).build();

    @Test
    void aConsumerThatThrowsStopsNeitherTheLaterConsumersNorTheSessionsCloseAndIsLoggedOnce() {
        PgConnectionFactory core = PoolLeaseChecks.coreFactory(PG);
        AtomicInteger thrown = new AtomicInteger();
        List<String> told = new CopyOnWriteArrayList<>();
        PgConnConnectionPool pool = PgConnPools.over(core).name("evictions").initialSize(0).maxSize(2).maxAcquireTime(STEP)
                .evicted(reason -> {
                    thrown.incrementAndGet();
                    throw new IllegalStateException("a meter registry that is gone, tenant secret-t07");
                })
                .evicted(told::add)
                .build();
        try {
            List<Connection> lent = Flux.range(0, 2).flatMap(i -> pool.create()).collectList().block(STEP);
            String pids = Flux.fromIterable(lent).flatMap(c -> Flux.from(c.createStatement("SELECT pg_backend_pid()").execute())
                    .flatMap(result -> result.map(row -> row.get(0, Integer.class)))).map(String::valueOf)
                    .collect(Collectors.joining(",")).block(STEP);
            Flux.fromIterable(lent).flatMap(Connection::close).then().block(STEP);
            assertThat(openSessions(pids)).as("both sessions idle in the pool").isEqualTo(2);

            HostSpec host = core.config().hosts().get(0);
            List<LogRecord> warnings = PoolLeaseChecks.captureWarnings(EvictionConsumers.class, () -> {
                TestHostWatcher.of(core).down(host, "a health check's verdict (test)"); // both sessions now unusable
                // the acquire picks the idle sessions, evicting each, then connects (the connect still tries the host)
                Mono.usingWhen(pool.create(), c -> Flux.from(c.createStatement("SELECT 1").execute())
                        .flatMap(result -> result.map(row -> row.get(0, Integer.class))).last(), Connection::close)
                        .onErrorResume(error -> Mono.empty()).block(STEP);
                awaitCondition("both idle sessions evicted", () -> thrown.get() == 2);
            });

            assertThat(told).as("the later consumer told of both evictions").containsExactly("host-down", "host-down");
            awaitCondition("both evicted sessions closed on the server", () -> openSessions(pids) == 0);
            assertThat(warnings).as("the failing consumer logged once, for two failures").hasSize(1);
            String logged = warnings.get(0).getMessage();
            assertThat(logged).contains("eviction consumer 1 of 2", "pool evictions", IllegalStateException.class.getName(),
                    "host-down", PoolEvictionConsumersIT.class.getName()).doesNotContain("secret-t07");
        } finally {
            PoolLeaseChecks.dispose(pool, core, STEP);
        }
    }

    private static int openSessions(String pids) {
        return Integer.parseInt(PG.primary().queryValue("SELECT count(*) FROM pg_stat_activity WHERE pid IN (" + pids + ")"));
    }
}
