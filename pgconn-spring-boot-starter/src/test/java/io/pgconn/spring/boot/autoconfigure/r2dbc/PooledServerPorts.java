package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.testkit.PgServer;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/** Which server the pool's statements run on ({@code inet_server_port()}), for the frozen-host tests. */
final class PooledServerPorts {

    private static final Duration STEP = Duration.ofSeconds(30);

    private PooledServerPorts() {
    }

    /** The port of the server one statement ran on. */
    static Mono<Integer> serverPort(DatabaseClient client) {
        return client.sql("SELECT inet_server_port()").map(row -> row.get(0, Integer.class)).one();
    }

    /** The ports of {@code count} statements, {@code concurrency} at a time. */
    static List<Integer> serverPorts(DatabaseClient client, int count, int concurrency) {
        return Flux.range(0, count).flatMap(i -> serverPort(client), concurrency).collectList().block(STEP);
    }

    /** Every one of the pool's {@code size} connections opened on {@code host}, used once and idle again. */
    static PoolMetrics allIdleOn(PgServer host, DatabaseClient client, ConnectionPool pool, int size) {
        assertThat(serverPorts(client, size, size)).containsOnly(host.port());
        PoolMetrics metrics = pool.getMetrics().orElseThrow();
        awaitCondition("the pool to hold " + size + " idle connections", () -> metrics.idleSize() == size);
        return metrics;
    }
}
