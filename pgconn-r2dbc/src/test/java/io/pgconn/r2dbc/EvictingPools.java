package io.pgconn.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.testkit.PgServer;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ValidationDepth;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the pool eviction ITs share ({@code PreferStandbyPoolEvictionIT}, {@code SplitBrainPoolEvictionIT}): a
 * two-host configuration of the R2DBC test user, a pool of three over a core factory with pgconn's eviction
 * ({@link PgConnPoolEviction}, each reason recorded), and the port a session's server answers with.
 */
final class EvictingPools {

    private static final Duration STEP = Duration.ofSeconds(30);
    private static final Duration MAX_IDLE = Duration.ofMinutes(30);
    /** Negative: no life limit, so only pgconn's own reasons evict. */
    private static final Duration MAX_LIFE = Duration.ofMinutes(-1);

    private EvictingPools() {
    }

    /** The R2DBC test user's configuration of {@code first} then {@code second} (both on 127.0.0.1), with {@code options}. */
    static ConnConfig twoHosts(PgServer first, PgServer second, String options) {
        return ConnConfig.parse("host=127.0.0.1,127.0.0.1 port=" + first.port() + "," + second.port()
                + " dbname=" + R2dbcTestServer.DATABASE + " user=" + R2dbcTestServer.USER
                + " password=" + R2dbcTestServer.PASSWORD + " sslmode=disable extensionTypes='' " + options,
                EnvironmentSource.of(Map.of()));
    }

    /**
     * A pool of up to three sessions of {@code core}, none opened ahead, validated locally, with pgconn's eviction:
     * the reason of each session it evicts is added to {@code evicted}.
     */
    static ConnectionPool of(PgConnectionFactory core, List<String> evicted) {
        return new ConnectionPool(PgConnPoolEviction.apply(
                ConnectionPoolConfiguration.builder(PgConnR2dbcConnectionFactory.of(core))
                        .initialSize(0).maxSize(3).maxIdleTime(MAX_IDLE).maxLifeTime(MAX_LIFE)
                        .validationDepth(ValidationDepth.LOCAL), MAX_IDLE, MAX_LIFE, evicted::add).build());
    }

    /** The port the server answers with, read by a statement on the connection. */
    static int serverPort(Connection connection) {
        return Mono.from(connection.createStatement("SELECT inet_server_port()").execute())
                .flatMap(r -> Mono.from(r.map((row, meta) -> row.get(0, Integer.class)))).block(STEP);
    }
}
