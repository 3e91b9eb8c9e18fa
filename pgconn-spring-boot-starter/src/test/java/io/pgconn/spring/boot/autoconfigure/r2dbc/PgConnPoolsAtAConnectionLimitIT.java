package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.config.SslMode;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * New user 23 F5: a tenant database at its {@code CONNECTION LIMIT} (a per-tenant quota) under a pool built after the
 * README's own-pool recipe failed requests by the hundred, its pool growing into logins the server refused (53300);
 * the starter's pool waits for a session another borrower frees. {@link PgConnPools} builds that pool for a factory of
 * one's own (seen failing before, with the recipe's pool: 7 of 8 requests failed).
 */
class PgConnPoolsAtAConnectionLimitIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder().name("starter-pools-connection-limit")
            .user(PgUser.scram(StarterCluster.USER, StarterCluster.PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .initSql("CREATE DATABASE quota OWNER " + StarterCluster.USER + " CONNECTION LIMIT 1")
            .build();

    @Test
    void requestsBeyondTheLimitWaitForASessionInsteadOfFailing() {
        ConnConfig config = ConnConfig.builder().hosts(HostSpec.of("127.0.0.1", PG.primary().port())).database("quota")
                .user(StarterCluster.USER).password(StarterCluster.PASSWORD).sslMode(SslMode.DISABLE).extensionTypes(List.of())
                .build();
        try (PgConnectionFactory pg = PgConnectionFactory.builder(config).threads(1).build()) {
            ConnectionPool pool = pool(pg);
            try {
                AtomicInteger failed = new AtomicInteger();
                Flux.range(0, 8)
                        .flatMap(i -> Mono.usingWhen(pool.create(),
                                (Connection c) -> Flux.from(c.createStatement("SELECT pg_sleep(0.2)").execute())
                                        .flatMap(result -> result.getRowsUpdated()).then(),
                                Connection::close)
                                .doOnError(error -> failed.incrementAndGet()).onErrorComplete(), 8)
                        .then().block(Duration.ofSeconds(60));
                assertThat(failed).as("requests failed at the connection limit").hasValue(0);
            } finally {
                pool.disposeLater().block(Duration.ofSeconds(10));
            }
        }
    }

    private static ConnectionPool pool(PgConnectionFactory pg) {
        return PgConnPools.over(pg).initialSize(0).maxSize(3).maxAcquireTime(Duration.ofSeconds(10)).build();
    }
}
