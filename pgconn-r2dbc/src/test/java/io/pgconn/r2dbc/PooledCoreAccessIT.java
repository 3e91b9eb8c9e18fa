package io.pgconn.r2dbc;

import io.pgconn.PgConnection;
import io.pgconn.query.Row;
import io.pgconn.query.TransactionStatus;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.Wrapped;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pooled R2DBC connection lends its pgconn session ({@code Wrapped.unwrap()}), so a service on the core
 * API gets pooled sessions (user3's F7: connect per request paid a TLS handshake and a SCRAM exchange).
 */
class PooledCoreAccessIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-core-access", 0).build();

    @Test
    void aPooledConnectionLendsItsPgConnectionAndKeepsItsOwnTransactionState() {
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(R2dbcTestServer.url(PG.primary(), ""))) {
            ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(factory).initialSize(0).maxSize(1).build());
            try {
                Connection pooled = pool.create().block(STEP);
                PgConnection session = pgConnection(pooled);
                int backend;
                try {
                    backend = session.processId();
                    try (Stream<Row> rows = session.statement("SELECT g FROM generate_series(1, $1::int) g").bind(0, 1000).stream(64)) {
                        assertThat(rows.mapToInt(r -> r.getInt(0)).sum()).isEqualTo(500_500);
                    }
                    // the R2DBC connection runs its transaction on the same session; the core sees it
                    Mono.from(pooled.beginTransaction()).block(STEP);
                    Mono.from(pooled.createStatement("SELECT 1").execute()).flatMap(r -> Mono.from(r.getRowsUpdated())).block(STEP);
                    assertThat(session.transactionStatus()).isEqualTo(TransactionStatus.IN_TRANSACTION);
                    Mono.from(pooled.rollbackTransaction()).block(STEP);
                    assertThat(session.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
                } finally {
                    Mono.from(pooled.close()).block(STEP);
                }
                // released to the pool, not closed: the next acquisition lends the same backend
                Connection again = pool.create().block(STEP);
                try {
                    assertThat(pgConnection(again).processId()).isEqualTo(backend);
                    List<Integer> one = await(pgConnection(again).statement("SELECT 1").map(r -> r.getInt(0)));
                    assertThat(one).containsExactly(1);
                } finally {
                    Mono.from(again.close()).block(STEP);
                }
            } finally {
                pool.disposeLater().block(STEP);
            }
        }
    }

    /** A proxy between pool and driver (r2dbc-proxy under Spring Boot) adds a level: one call still reaches the session. */
    @Test
    void aPooledConnectionThroughAProxyLendsItsPgConnectionInOneCall() {
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(R2dbcTestServer.url(PG.primary(), ""))) {
            ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(WrappingProxies.around(factory))
                    .initialSize(0).maxSize(1).build());
            try {
                Connection pooled = pool.create().block(STEP);
                try {
                    Object driverLevel = ((Wrapped<?>) ((Wrapped<?>) pooled).unwrap()).unwrap();
                    assertThat(driverLevel).as("two unwrap() calls reach the driver's connection, not the session")
                            .isNotInstanceOf(PgConnection.class);
                    PgConnection session = PgConnUnwrap.pgConnection(pooled);
                    assertThat(await(session.statement("SELECT 41 + 1").map(r -> r.getInt(0)))).containsExactly(42);
                    assertThat(PgConnUnwrap.driverFactory(pool)).containsSame(factory);
                } finally {
                    Mono.from(pooled.close()).block(STEP);
                }
            } finally {
                pool.disposeLater().block(STEP);
            }
        }
    }

    /** r2dbc-pool's connection wraps the driver's, which wraps the pgconn session. */
    private static PgConnection pgConnection(Connection pooled) {
        Object inner = ((Wrapped<?>) pooled).unwrap();
        assertThat(inner).isInstanceOf(Wrapped.class);
        assertThat(((Wrapped<?>) inner).unwrap()).isSameAs(PgConnUnwrap.pgConnection(pooled));
        return PgConnUnwrap.pgConnection(pooled);
    }
}
