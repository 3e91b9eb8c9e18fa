package io.pgconn.internal.failover;

import io.pgconn.testing.TestHostWatcher;
import io.pgconn.PgClosedException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.QueryResult;
import io.pgconn.testing.Connect;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.ServerFreeze;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static io.pgconn.testing.Connect.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code PgConnectionFactory.hostObservations(lookup).closeConnections(host, reason)} against a SIGSTOPped primary: statements
 * in flight there never get an answer (the frozen server's kernel still ACKs, so no TCP setting ends
 * them); closing the host's connections fails them at once with the reason, and leaves the
 * connections to the other host alone (docs/lifecycle.md §4).
 */
class CloseConnectionsToHostIT {

    @RegisterExtension
    static final PgClusterExtension PG = FailoverCluster.withStandbys("close-host", 1);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    @Test
    void statementsInFlightOnAFrozenServerFailWhenItsConnectionsAreClosed() throws Exception {
        PgServer primary = PG.primary();
        PgServer standby = PG.standby(0);
        PgConnectionFactory factory = FACTORY.factory();
        List<PgConnection> frozenSide = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            frozenSide.add(Connect.open(factory, FailoverCluster.config("", primary.port())));
        }
        PgConnection other = Connect.open(factory, FailoverCluster.config("", standby.port()));
        String label = frozenSide.get(0).hostSpec().label();
        try {
            List<CompletableFuture<QueryResult>> inFlight = new ArrayList<>();
            try (ServerFreeze frozen = ServerFreeze.of(primary)) {
                inFlight.add(frozenSide.get(0).simpleQuery("SELECT 1"));
                inFlight.add(frozenSide.get(1).simpleQuery("SELECT 2"));
                // nothing answers a frozen server: the statements stay in flight
                assertThat(CompletableFuture.anyOf(inFlight.toArray(CompletableFuture[]::new))
                        .completeOnTimeout("none", 300, TimeUnit.MILLISECONDS).get()).isEqualTo("none");

                long start = System.nanoTime();
                int closed = await(TestHostWatcher.of(factory).closeConnections(frozenSide.get(0).hostSpec(),
                        "the server stopped answering (test)"));
                for (CompletableFuture<QueryResult> statement : inFlight) {
                    Throwable error = failure(statement);
                    // sent, and never answered: the frozen server may have run it (docs/query.md §5)
                    assertThat(error).isInstanceOf(io.pgconn.PgOutcomeUnknownException.class)
                            .hasMessage("connection to " + label + " closed: the server stopped answering (test); the statement had"
                                    + " been sent and its answer was lost, so it may have been executed (outside a transaction block,"
                                    + " committed): check before repeating it");
                    assertThat(((PgClosedException) error).host()).isEqualTo(label);
                }
                long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(closed).isEqualTo(3);
                assertThat(elapsedMs).as("closing does not wait for the frozen server").isLessThan(2_000);
                assertThat(frozenSide).allMatch(PgConnection::isClosed);
                assertThat(failure(frozenSide.get(2).simpleQuery("SELECT 3"))).isInstanceOf(PgClosedException.class);
                // the other host's connection is not touched
                assertThat(other.isClosed()).isFalse();
                assertThat(value(other, "SELECT 'still here'")).isEqualTo("still here");
                assertThat(factory.openConnections()).isEqualTo(1);
                assertThat(await(TestHostWatcher.of(factory).closeConnections(frozenSide.get(0).hostSpec(), "again"))).isZero();
            }
        } finally {
            await(other.close());
            frozenSide.forEach(PgConnection::close);
        }
    }
}
