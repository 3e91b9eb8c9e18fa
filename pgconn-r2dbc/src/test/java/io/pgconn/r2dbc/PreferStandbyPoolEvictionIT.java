package io.pgconn.r2dbc;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ValidationDepth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.pgconn.r2dbc.EvictingPools.serverPort;
import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code prefer-standby} pool that opened its sessions on the primary (its standby was down) moves them to the
 * standby once the factory's host memory knows the standby up: an idle session is evicted when the pool picks it, a
 * lent one when it is released, never under its borrower; with no standby up they stay on the primary (NEW-USER-22 F4:
 * after a switchover the reads recipe read from the promoted primary for the sessions' whole life).
 */
class PreferStandbyPoolEvictionIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-prefer-standby", 1).build();

    @Test
    void sessionsOnThePrimaryMoveToTheStandbyWhenItIsUpAgainAtReleaseOrWhenIdle() {
        PgServer primary = PG.primary();
        PgServer standby = PG.standby(0);
        ConnConfig config = EvictingPools.twoHosts(standby, primary, "hostRecheckInterval=0 target_session_attrs=prefer-standby");
        standby.stop();
        try (PgConnectionFactory core = PgConnectionFactory.create(config)) {
            List<String> evicted = new CopyOnWriteArrayList<>();
            ConnectionPool pool = EvictingPools.of(core, evicted);
            try {
                List<Connection> first = Flux.range(0, 3).flatMap(i -> pool.create()).collectList().block(STEP);
                assertThat(first).hasSize(3).allSatisfy(c -> assertThat(portOf(c)).as("no standby up: the primary")
                        .isEqualTo(primary.port()));
                Connection lent = first.get(0);
                Flux.fromIterable(first.subList(1, 3)).flatMap(Connection::close).then().block(STEP);
                Connection again = pool.create().block(STEP);
                assertThat(portOf(again)).as("with the standby down, a session on the primary is kept").isEqualTo(primary.port());
                Mono.from(again.close()).block(STEP);
                assertThat(evicted).isEmpty();

                standby.start();
                PgConnection probe = await(core.connect()); // any connect through the factory, e.g. the starter's health check
                assertThat(probe.hostSpec().port()).as("prefer-standby's first pass").isEqualTo(standby.port());
                await(probe.close());

                assertThat(Mono.from(lent.validate(ValidationDepth.LOCAL)).block(STEP))
                        .as("a lent session on the primary still satisfies prefer-standby").isTrue();
                assertThat(serverPort(lent)).as("its borrower keeps using it").isEqualTo(primary.port());

                List<Connection> next = Flux.range(0, 2).flatMap(i -> pool.create()).collectList().block(STEP);
                try {
                    assertThat(next).allSatisfy(c -> assertThat(serverPort(c))
                            .as("the idle sessions on the primary were dropped for the standby").isEqualTo(standby.port()));
                } finally {
                    Flux.fromIterable(next).flatMap(Connection::close).then().block(STEP);
                }
                assertThat(evicted).as("the two idle ones, when the pool picked them").containsExactly("preferred-role", "preferred-role");

                Mono.from(lent.close()).block(STEP);
                assertThat(evicted).as("the lent one, at its release").hasSize(3).allMatch("preferred-role"::equals);
                assertThat(pool.getMetrics().orElseThrow().idleSize()).isEqualTo(2);
                Connection last = pool.create().block(STEP);
                try {
                    assertThat(serverPort(last)).isEqualTo(standby.port());
                } finally {
                    Mono.from(last.close()).block(STEP);
                }
                assertThat(evicted).as("a session on the standby is kept").hasSize(3);
            } finally {
                pool.disposeLater().block(STEP);
                standby.start();
            }
        }
    }

    private static int portOf(Connection connection) {
        return PgConnUnwrap.pgConnection(connection).hostSpec().port();
    }
}
