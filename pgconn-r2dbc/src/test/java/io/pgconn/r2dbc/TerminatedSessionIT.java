package io.pgconn.r2dbc;

import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.ValidationDepth;
import io.r2dbc.spi.Wrapped;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A session the server terminates: its next statement fails at once (no hang) and validate(LOCAL) turns false. */
class TerminatedSessionIT {

    private static final Duration STEP = Duration.ofSeconds(10);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-terminated", 0).build();

    @Test
    void aTerminatedSessionFailsItsNextStatementAndLocalValidation() {
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                R2dbcTestServer.url(PG.primary(), ""))) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            int pid = ((PgConnR2dbcConnection) connection).pgConnection().processId();
            PG.primary().execute("SELECT pg_terminate_backend(" + pid + ")");
            awaitCondition("the client to see the session closed", STEP,
                    () -> !Mono.from(connection.validate(ValidationDepth.LOCAL)).block(STEP));
            assertThatThrownBy(() -> Flux.from(connection.createStatement("SELECT 1").execute())
                    .flatMap(r -> r.getRowsUpdated()).blockLast(STEP))
                    .isInstanceOf(R2dbcException.class);
            Mono.from(connection.close()).block(STEP);
            assertThat(factory.pgConnectionFactory().openConnections()).isZero();
        }
    }

    @org.junit.jupiter.api.RepeatedTest(10) // a race between the termination and the next statement: tried a few times
    void aStatementSentRightAfterTheTerminationFailsInsteadOfHanging() {
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                R2dbcTestServer.url(PG.primary(), ""))) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            int pid = ((PgConnR2dbcConnection) connection).pgConnection().processId();
            PG.primary().execute("SELECT pg_terminate_backend(" + pid + ")");
            assertThatThrownBy(() -> Flux.from(connection.createStatement("SELECT 1").execute())
                    .flatMap(r -> r.getRowsUpdated()).blockLast(STEP))
                    .isInstanceOf(R2dbcException.class);
            Mono.from(connection.close()).block(STEP);
        }
    }

    /**
     * A pooled session whose statement failed because the server terminated it: r2dbc-pool drops it
     * on release by its own validate(LOCAL), without asking the eviction predicate, and that eviction
     * is reported too (the starter's pg.conn.pool.evictions{reason=closed} missed it).
     */
    @Test
    void aPooledSessionDroppedOnReleaseAfterTheServerTerminatedItIsReportedAsEvicted() {
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                R2dbcTestServer.url(PG.primary(), ""))) {
            List<String> evicted = new CopyOnWriteArrayList<>();
            Duration noLimit = Duration.ofMillis(-1);
            ConnectionPool pool = new ConnectionPool(PgConnPoolEviction.apply(ConnectionPoolConfiguration.builder(factory)
                    .initialSize(0).maxSize(1).maxIdleTime(noLimit).maxLifeTime(noLimit)
                    .validationDepth(ValidationDepth.LOCAL), noLimit, noLimit, evicted::add).build());
            try {
                Connection connection = pool.create().block(STEP);
                PgConnR2dbcConnection pg = (PgConnR2dbcConnection) ((Wrapped<?>) connection).unwrap();
                PG.primary().execute("SELECT pg_terminate_backend(" + pg.pgConnection().processId() + ")");
                awaitCondition("the client to see the session closed", STEP,
                        () -> !Mono.from(connection.validate(ValidationDepth.LOCAL)).block(STEP));
                assertThatThrownBy(() -> Flux.from(connection.createStatement("SELECT 1").execute())
                        .flatMap(r -> r.getRowsUpdated()).blockLast(STEP))
                        .isInstanceOf(R2dbcException.class);
                Mono.from(connection.close()).block(STEP);
                awaitCondition("the pool to report the closed session evicted", STEP, () -> !evicted.isEmpty());
                assertThat(evicted).containsExactly("closed");
                Connection fresh = pool.create().block(STEP);
                assertThat(Flux.from(fresh.createStatement("SELECT 1").execute())
                        .flatMap(r -> r.getRowsUpdated()).blockLast(STEP)).isEqualTo(1L);
                Mono.from(fresh.close()).block(STEP);
            } finally {
                pool.dispose();
            }
        }
    }
}
