package io.pgconn.internal.failover;

import io.pgconn.HostStatus;
import io.pgconn.ServerRole;
import io.pgconn.PgAuthenticationException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgTimeoutException;
import io.pgconn.config.ConnConfig;
import io.pgconn.hostile.ScriptedServer;
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

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Multi-host connect against a primary and two hot standbys: moving on after refusal and silence,
 * the whole-attempt deadline, load balancing, stopping at authentication failures, the tracer's
 * account of a walk, and — last, because it changes the cluster — a real failover.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {

    @RegisterExtension
    static final PgClusterExtension PG = FailoverCluster.withStandbys("failover", 2);

    private static PgConnectionFactory factory(ConnConfig config, PgTracer tracer) {
        return PgConnectionFactory.builder(config).threads(2).tracer(tracer).build();
    }

    @Test
    @Order(1)
    void refusedFirstHostMovesOnAndTheTracerTellsTheWalk() {
        int refused = FailoverCluster.refusedPort();
        RecordingTracer tracer = new RecordingTracer();
        ConnConfig config = FailoverCluster.config("target_session_attrs=read-write", refused, PG.standby(0).port(), PG.primary().port());
        try (PgConnectionFactory factory = factory(config, tracer)) {
            PgConnection c = await(factory.connect());
            assertThat(c.hostSpec().port()).isEqualTo(PG.primary().port());
            await(c.close());
            List<PgTracer.HostAttemptEnded> ends = tracer.events(PgTracer.HostAttemptEnded.class);
            assertThat(ends).extracting(PgTracer.HostAttemptEnded::outcome).containsExactly(
                    PgTracer.HostOutcome.REFUSED, PgTracer.HostOutcome.ROLE_MISMATCH, PgTracer.HostOutcome.CONNECTED);
            assertThat(ends.get(1).role()).isEqualTo(ServerRole.STANDBY);
            assertThat(ends.get(2).role()).isEqualTo(ServerRole.PRIMARY);
            assertThat(ends.get(2).authMethod()).isEqualTo(io.pgconn.AuthMethod.SCRAM_SHA_256);
            assertThat(tracer.events().get(0)).isInstanceOf(PgTracer.ConnectStarted.class);
            PgTracer.ConnectEnded end = tracer.events(PgTracer.ConnectEnded.class).get(0);
            assertThat(end.host()).isEqualTo("127.0.0.1:" + PG.primary().port());
            assertThat(end.attempts()).isEqualTo(3);
            // host memory: the refused host is DOWN, the standby known, the primary UP
            assertThat(factory.hostStatuses()).extracting(HostStatus::state)
                    .containsExactly(HostStatus.State.DOWN, HostStatus.State.UP, HostStatus.State.UP);
            // one host by its label: the same entry as in the list; a host never tried is UNKNOWN
            for (HostStatus status : factory.hostStatuses()) {
                assertThat(factory.hostStatus(status.host())).isEqualTo(status);
            }
            assertThat(factory.hostStatus(PG.primary().host() + ":1").state()).isEqualTo(HostStatus.State.UNKNOWN);
            // the next connect goes straight to the primary
            tracer.clear();
            await(await(factory.connect()).close());
            assertThat(tracer.events(PgTracer.ConnectEnded.class).get(0).attempts()).isEqualTo(1);
        }
    }

    @Test
    @Order(2)
    void silentHostIsLeftAfterItsBudget() {
        try (ScriptedServer blackHole = ScriptedServer.start(c -> c.awaitClientClose())) {
            ConnConfig config = FailoverCluster.config("hostConnectTimeout=1s", blackHole.port(), PG.primary().port());
            RecordingTracer tracer = new RecordingTracer();
            try (PgConnectionFactory factory = factory(config, tracer)) {
                PgConnection c = await(factory.connect());
                assertThat(c.hostSpec().port()).isEqualTo(PG.primary().port());
                assertThat(tracer.events(PgTracer.HostAttemptEnded.class)).extracting(PgTracer.HostAttemptEnded::host, PgTracer.HostAttemptEnded::outcome)
                        .containsExactly(tuple(blackHole.label(), PgTracer.HostOutcome.TIMEOUT),
                                tuple("127.0.0.1:" + PG.primary().port(), PgTracer.HostOutcome.CONNECTED));
                assertThat(factory.hostStatuses().get(0).lastError()).contains("did not complete the connection within 1000ms");
                await(c.close());
            }
        }
    }

    @Test
    @Order(3)
    void wholeAttemptDeadlineBoundsTheWalk() {
        try (ScriptedServer a = ScriptedServer.start(c -> c.awaitClientClose());
             ScriptedServer b = ScriptedServer.start(c -> c.awaitClientClose())) {
            ConnConfig config = FailoverCluster.config("hostConnectTimeout=20s connectTimeout=1s", a.port(), b.port());
            try (PgConnectionFactory factory = factory(config, PgTracer.noop())) {
                Throwable failure = failure(factory.connect());
                assertThat(failure).isInstanceOf(PgTimeoutException.class).hasMessageContaining("connectTimeout=1000ms");
                assertThat(b.connections()).isZero();
                assertThat(factory.openConnections()).isZero();
            }
        }
    }

    @Test
    @Order(4)
    void wrongPasswordOnTheFirstHostStopsTheWalk() {
        try (ScriptedServer second = ScriptedServer.start(c -> c.awaitClientClose())) {
            ConnConfig config = FailoverCluster.config("password=wrong", PG.primary().port(), second.port());
            try (PgConnectionFactory factory = factory(config, PgTracer.noop())) {
                Throwable failure = failure(factory.connect());
                assertThat(failure).isInstanceOf(PgAuthenticationException.class);
                assertThat(((PgAuthenticationException) failure).sqlState()).contains("28P01");
                assertThat(second.connections()).isZero();
            }
        }
    }

    /**
     * A database created on the primary a moment ago: a standby that has not replayed its CREATE DATABASE answers
     * 3D000, and the walk moves on to the primary (a deliberate difference from libpq, which stops; NEW-USER-23 F4:
     * a tenant's first connect after onboarding failed every time with the standby listed first). The standby's
     * status is left alone; a database missing on every host fails with each host's 3D000.
     */
    @Test
    @Order(4)
    void aDatabaseTheStandbyHasNotReplayedYetIsFoundOnThePrimary() {
        PgServer standby = PG.standby(0);
        standby.execute("SELECT pg_wal_replay_pause()");
        try {
            PG.primary().execute("CREATE DATABASE tenant_new OWNER " + FailoverCluster.USER);
            assertThat(standby.queryValue("SELECT count(*) FROM pg_database WHERE datname = 'tenant_new'"))
                    .as("replay paused: the standby has not got the database").isEqualTo("0");
            ConnConfig config = FailoverCluster.config("dbname=tenant_new target_session_attrs=read-write",
                    standby.port(), PG.primary().port());
            RecordingTracer tracer = new RecordingTracer();
            try (PgConnectionFactory factory = factory(config, tracer)) {
                PgConnection connection = await(factory.connect());
                assertThat(connection.hostSpec().port()).isEqualTo(PG.primary().port());
                await(connection.close());
                assertThat(tracer.events(PgTracer.HostAttemptEnded.class)).extracting(PgTracer.HostAttemptEnded::outcome)
                        .containsExactly(PgTracer.HostOutcome.SERVER_ERROR, PgTracer.HostOutcome.CONNECTED);
                assertThat(factory.hostStatus(standby.host() + ":" + standby.port()).state())
                        .as("the standby is up; it has the database a moment later").isNotEqualTo(HostStatus.State.DOWN);
            }
            ConnConfig nowhere = FailoverCluster.config("dbname=no_such_db", standby.port(), PG.primary().port());
            try (PgConnectionFactory factory = factory(nowhere, PgTracer.noop())) {
                Throwable failure = failure(factory.connect());
                assertThat(failure).isInstanceOf(io.pgconn.PgConnectException.class).hasMessageContaining("no_such_db");
                assertThat(failure.getSuppressed()).hasSize(2);
                assertThat(io.pgconn.ConnectFailures.deciding((io.pgconn.PgException) failure).sqlState()).contains("3D000");
            }
        } finally {
            standby.execute("SELECT pg_wal_replay_resume()");
            PG.primary().execute("DROP DATABASE IF EXISTS tenant_new");
        }
    }

    @Test
    @Order(5)
    void randomLoadBalancingReachesEveryNode() {
        ConnConfig config = FailoverCluster.config("load_balance_hosts=random", PG.primary().port(), PG.standby(0).port(), PG.standby(1).port());
        Set<Integer> reached = new HashSet<>();
        try (PgConnectionFactory factory = factory(config, PgTracer.noop())) {
            for (int i = 0; i < 60; i++) {
                PgConnection c = await(factory.connect());
                reached.add(c.hostSpec().port());
                await(c.close());
            }
        }
        assertThat(reached).containsExactlyInAnyOrder(PG.primary().port(), PG.standby(0).port(), PG.standby(1).port());
    }

    @Test
    @Order(6)
    void withTwoNodesDownBothModesReachTheThird() {
        for (String mode : new String[]{"disable", "random"}) {
            ConnConfig config = FailoverCluster.config("load_balance_hosts=" + mode, FailoverCluster.refusedPort(),
                    FailoverCluster.refusedPort(), PG.standby(1).port());
            try (PgConnectionFactory factory = factory(config, PgTracer.noop())) {
                for (int i = 0; i < 10; i++) {
                    PgConnection c = await(factory.connect());
                    assertThat(c.hostSpec().port()).isEqualTo(PG.standby(1).port());
                    await(c.close());
                }
            }
        }
    }

    @Test
    @Order(10)
    void afterThePrimaryDiesReadWriteLandsOnThePromotedStandbyAndTheRepeatWastesNoAttempt() {
        PgServer oldPrimary = PG.primary();
        PgServer standby = PG.standby(0);
        RecordingTracer tracer = new RecordingTracer();
        ConnConfig config = FailoverCluster.config("target_session_attrs=read-write hostConnectTimeout=2s",
                oldPrimary.port(), standby.port(), PG.standby(1).port());
        try (PgConnectionFactory factory = factory(config, tracer)) {
            await(await(factory.connect()).close());
            oldPrimary.stop(StopMode.IMMEDIATE);
            standby.promote();
            tracer.clear();
            PgConnection c = await(factory.connect());
            assertThat(c.hostSpec().port()).isEqualTo(standby.port());
            assertThat(c.role()).isEqualTo(ServerRole.PRIMARY);
            await(c.close());
            tracer.clear();
            PgConnection again = await(factory.connect());
            assertThat(again.hostSpec().port()).isEqualTo(standby.port());
            assertThat(tracer.events(PgTracer.HostAttemptStarted.class)).hasSize(1);
            await(again.close());
        }
    }
}
