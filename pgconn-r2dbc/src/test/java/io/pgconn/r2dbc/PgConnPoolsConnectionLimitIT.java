package io.pgconn.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * New user 23 F5: a tenant database at its {@code CONNECTION LIMIT} (a per-tenant quota) with more borrowers than the
 * limit. A pool built by hand after the README's recipe (release clean-up and eviction, no create retry, no hold on
 * growth) grew into logins the server refused with 53300 and failed the borrowers tied to them — 858 failed requests
 * and 2,567 refused logins in 20 s; {@link PgConnPools} builds the pool the starter builds, whose borrowers wait for a
 * session another one releases and whose refused logins are paced to one per 250 ms for the pool. Seen failing with a
 * plain r2dbc-pool {@code ConnectionPool} over the same factory and figures (see the commit).
 */
class PgConnPoolsConnectionLimitIT {

    private static final int LIMIT = 2;
    private static final int MAX_SIZE = 4;
    private static final int BORROWERS = 6;
    private static final int REQUESTS_EACH = 10;
    private static final Duration MAX_ACQUIRE = Duration.ofSeconds(5);
    private static final Duration STEP = Duration.ofSeconds(60);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-pools-connection-limit", 0)
            .initSql("ALTER DATABASE " + R2dbcTestServer.DATABASE + " CONNECTION LIMIT " + LIMIT).build();

    private final RecordingConnectTracer connects = new RecordingConnectTracer();

    @Test
    void moreBorrowersThanTheDatabasesLimitAllGetASessionAndTheRefusedLoginsArePaced() {
        ConnConfig config = ConnConfig.parse("host=127.0.0.1 port=" + PG.primary().port()
                + " dbname=" + R2dbcTestServer.DATABASE + " user=" + R2dbcTestServer.USER
                + " password=" + R2dbcTestServer.PASSWORD + " sslmode=disable extensionTypes=''",
                EnvironmentSource.of(Map.of()));
        try (PgConnectionFactory core = PgConnectionFactory.builder(config).tracer(connects).build()) {
            ConnectionPool pool = PgConnPools.over(core).initialSize(1).maxSize(MAX_SIZE).maxAcquireTime(MAX_ACQUIRE).build();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            long started = System.nanoTime();
            try {
                Flux.range(0, BORROWERS)
                        .flatMap(borrower -> Flux.range(0, REQUESTS_EACH).concatMap(request -> Mono.usingWhen(pool.create(),
                                (Connection c) -> Flux.from(c.createStatement("SELECT pg_sleep(0.05)").execute())
                                        .flatMap(result -> result.getRowsUpdated()).then(),
                                Connection::close)
                                .doOnError(failures::add).onErrorComplete()), BORROWERS)
                        .then().block(STEP);
            } finally {
                pool.disposeLater().block(STEP);
            }
            long elapsedMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            assertThat(failures).as("requests failed at the database's connection limit").isEmpty();
            assertThat(connects.started() - connects.failed()).as("sessions opened: the limit's").isEqualTo(LIMIT);
            // the first wave (the pool's connects under way before the first refusal came back: at most MAX_SIZE), then
            // one login per 250 ms for the whole pool while the server refuses; a plain pool retries each grow at once
            assertThat(connects.failed()).as("refused logins in " + elapsedMillis + " ms")
                    .isLessThanOrEqualTo(MAX_SIZE + (int) (elapsedMillis / 250) + 2);
        }
    }
}
