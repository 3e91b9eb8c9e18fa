package io.pgconn.internal.failover;

import io.pgconn.ServerRole;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgException;
import io.pgconn.config.ConnConfig;
import io.pgconn.testing.JvmResources;
import io.pgconn.testing.RecordingTracer;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.StopMode;
import io.pgconn.trace.PgTracer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failover under fire (docs/testing.md §3): hundreds of connects in flight while the primary dies and
 * a standby is promoted, and while a standby restarts. Every connect lands on a server that
 * satisfies target_session_attrs or fails with a PgException; none outlives the whole-attempt
 * deadline; channels, file descriptors and server backends return to their baseline.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverUnderFireIT {

    private static final int IN_FLIGHT = 200;
    private static final int KEPT_IN_FLIGHT = 50;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

    @RegisterExtension
    static final PgClusterExtension PG = FailoverCluster.builder("fire", 2).config("max_connections", "400").build();

    @Test
    @Order(1)
    void connectsInFlightWhileAStandbyRestarts() throws Exception {
        PgServer restarting = PG.standby(1);
        ConnConfig config = FailoverCluster.config("target_session_attrs=standby hostConnectTimeout=3s connectTimeout="
                + CONNECT_TIMEOUT.toSeconds() + "s", PG.standby(1).port(), PG.standby(0).port());
        runUnderFire(config, ServerRole.STANDBY, () -> restarting.restart());
    }

    /**
     * prefer-standby with load_balance_hosts=random, {@value #KEPT_IN_FLIGHT} connects kept in flight
     * before, during and after a restart of one standby. The other standby never goes down, so every
     * connect's first pass has an acceptable standby: docs/lifecycle.md §2.2 allows neither the primary (pass 2 is
     * reached only when no standby was acceptable) nor a failure. hostConnectTimeout is generous so
     * a busy CI machine cannot push the live standby over its budget. Both standbys take connects
     * before the restart (spread), the restarted one again once its "down" memory is stale
     * (hostRecheckInterval=1s).
     */
    @Test
    @Order(2)
    void preferStandbySpreadsOverBothStandbysWhileOneRestarts() throws Exception {
        PgServer steady = PG.standby(0);
        PgServer restarting = PG.standby(1);
        ConnConfig config = FailoverCluster.config("target_session_attrs=prefer-standby load_balance_hosts=random hostRecheckInterval=1s"
                + " hostConnectTimeout=10s connectTimeout=" + CONNECT_TIMEOUT.toSeconds() + "s",
                PG.primary().port(), steady.port(), restarting.port());
        RecordingTracer tracer = new RecordingTracer();
        long fdsBefore = JvmResources.openFileDescriptors();
        ConnectsInFlight connects;
        try (PgConnectionFactory factory = PgConnectionFactory.builder(config).threads(2).tracer(tracer).build()) {
            connects = new ConnectsInFlight(factory, CONNECT_TIMEOUT);
            Semaphore slots = new Semaphore(KEPT_IN_FLIGHT);
            keepInFlight(connects, slots, "before", () -> connects.ended() >= KEPT_IN_FLIGHT);
            CompletableFuture<Void> restart = CompletableFuture.runAsync(restarting::restart);
            keepInFlight(connects, slots, "during", restart::isDone);
            restart.get(); // rethrows a failed restart
            keepInFlight(connects, slots, "after", () -> connects.landedOn("after", restarting.port()) > 0);
            connects.awaitAll();
            assertThat(factory.openConnections()).isZero();
        }
        assertThat(connects.failed()).as("failed connects (a standby was up all along)").isEmpty();
        assertThat(connects.landed()).hasSize(connects.launched())
                .allSatisfy(l -> assertThat(l.role()).as("role of the server a connect landed on").isEqualTo(ServerRole.STANDBY));
        // spread: before the restart both standbys take a fair share of the random order
        assertThat(connects.landedOn("before", steady.port())).isGreaterThanOrEqualTo(5);
        assertThat(connects.landedOn("before", restarting.port())).isGreaterThanOrEqualTo(5);
        // the restart was felt: some attempts on the restarting standby failed and the walk moved on
        String restartingLabel = "127.0.0.1:" + restarting.port();
        assertThat(tracer.events(PgTracer.HostAttemptEnded.class))
                .anySatisfy(e -> {
                    assertThat(e.host()).isEqualTo(restartingLabel);
                    assertThat(e.outcome()).isNotIn(PgTracer.HostOutcome.CONNECTED, PgTracer.HostOutcome.ROLE_MISMATCH);
                });
        FailoverCluster.awaitBaseline(PG.cluster(), fdsBefore);
    }

    @Test
    @Order(3)
    void connectsInFlightWhileThePrimaryDiesAndAStandbyIsPromoted() throws Exception {
        PgServer primary = PG.primary();
        PgServer promoted = PG.standby(0);
        ConnConfig config = FailoverCluster.config("target_session_attrs=read-write hostConnectTimeout=3s connectTimeout="
                + CONNECT_TIMEOUT.toSeconds() + "s", primary.port(), promoted.port(), PG.standby(1).port());
        runUnderFire(config, ServerRole.PRIMARY, () -> {
            primary.stop(StopMode.IMMEDIATE);
            promoted.promote();
        });
        // afterwards every connect lands on the promoted standby
        try (PgConnectionFactory factory = PgConnectionFactory.builder(config).threads(2).build()) {
            for (int i = 0; i < 5; i++) {
                PgConnection c = factory.connect().get(CONNECT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertThat(c.hostSpec().port()).isEqualTo(promoted.port());
                c.close().get(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Launches a connect whenever one of the {@code slots} is free, until {@code done}; fails after a minute. */
    private static void keepInFlight(ConnectsInFlight connects, Semaphore slots, String phase, BooleanSupplier done)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("phase '%s' not over within a minute", phase).isNegative();
            if (slots.tryAcquire(20, TimeUnit.MILLISECONDS)) {
                connects.launch(phase).whenComplete((ignored, error) -> slots.release());
            }
        }
    }

    private void runUnderFire(ConnConfig config, ServerRole expectedRole, Runnable disruption) throws Exception {
        long fdsBefore = JvmResources.openFileDescriptors();
        ConnectsInFlight connects;
        try (PgConnectionFactory factory = PgConnectionFactory.builder(config).threads(2).build()) {
            connects = new ConnectsInFlight(factory, CONNECT_TIMEOUT);
            for (int i = 0; i < IN_FLIGHT; i++) {
                connects.launch("fire");
                if (i == IN_FLIGHT / 4) {
                    disruption.run(); // the rest are started while (and after) the cluster changes
                }
            }
            connects.awaitAll();
            assertThat(factory.openConnections()).isZero();
        }
        List<ConnectsInFlight.Landed> landed = connects.landed();
        assertThat(landed.size() + connects.failed().size()).isEqualTo(IN_FLIGHT);
        assertThat(landed).isNotEmpty().allSatisfy(c -> assertThat(c.role()).isEqualTo(expectedRole));
        assertThat(connects.failed()).allSatisfy(e -> {
            assertThat(e).isInstanceOf(PgException.class);
            assertThat(e.getMessage()).contains("127.0.0.1:");
        });
        FailoverCluster.awaitBaseline(PG.cluster(), fdsBefore);
    }
}
