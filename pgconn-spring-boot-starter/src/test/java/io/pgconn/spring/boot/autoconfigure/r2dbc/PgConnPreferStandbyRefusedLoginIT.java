package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.HostStatus;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.config.HostSpec;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The eviction-churn drill (session 24): a {@code prefer-standby} pool whose sessions are on the primary (the standby
 * was down when it opened), the standby back — health sees it up as a standby — and then its {@code pg_hba.conf}
 * rejects the application's user (28000, which stops the connect walk: no fallback to the primary), while health,
 * with {@code relogin-interval=0}, keeps its one old session there and shows it up for as long as it lives. Before:
 * the first acquire evicted every idle session on the primary as {@code preferred-role} (a standby is up), its connect
 * met the standby's 28000, and every acquire from then on failed — for as long as health showed the standby up, i.e.
 * for ever: a working pool turned into a dead one by the eviction. Now the pool's connect that the standby's 28000
 * stopped is tried once more without that standby (prefer-standby: reads may go to the primary) and the factory
 * remembers it, so nothing more is evicted toward it: one eviction round (the idle sessions, before the pool's first
 * connect learned of the refusal) and no failed read, every read served on the primary, also those that made the pool
 * grow; once the standby takes the user again, the pool's next connect lands there and the reads move to the standby.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.NONE, properties = {
        "pg.conn.ssl.mode=disable", "pg.conn.database=postgres", "pg.conn.extension-types=",
        "pg.conn.target-session-attrs=prefer-standby", "pg.conn.host-connect-timeout=2s",
        "pg.conn.startup-check=none", "pg.conn.pool.initial-size=0", "pg.conn.pool.max-size=3",
        "pg.conn.pool.max-acquire-time=3s", "pg.conn.pool.acquire-retry=0",
        "pg.conn.health.host-check-interval=100ms", "pg.conn.health.relogin-interval=0" })
@DirtiesContext // the servers stop after this class
class PgConnPreferStandbyRefusedLoginIT {

    private static final int SESSIONS = 3;
    private static final int READS = 20;
    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-refused-standby", 1);

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.loginTo(registry, () -> List.of(PG.standby(0), PG.primary()));
    }

    @Autowired
    private PgConnectionFactory factory;

    @Autowired
    private ConnectionPool pool;

    @Autowired
    private PgConnPoolEvictions evictions;

    @Test
    @Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aStandbyThatRefusesThePoolsLoginDoesNotEmptyThePoolOnThePrimary() throws Exception {
        PgServer a = PG.primary();
        PgServer b = PG.standby(0);
        String la = StarterCluster.label(a);
        String lb = StarterCluster.label(b);
        awaitCondition("health sees b up as a standby", STEP, () -> isUpAsStandby(lb));

        // the pool opens on the primary while the standby is down
        b.stop();
        awaitCondition("health sees b down", STEP, () -> factory.hostStatus(lb).state() == HostStatus.State.DOWN);
        assertThat(readsAtOnce(SESSIONS)).as("the pool's sessions").containsOnly(la);

        // b back: health logs in there (its one session for good: relogin-interval=0); then b rejects the pool's user
        b.start();
        awaitCondition("health sees b up as a standby again", STEP, () -> isUpAsStandby(lb));
        b.rejectLogins(StarterCluster.USER, true);
        HostSpec standbyOnly = HostSpec.parse(lb);
        assertThatThrownBy(() -> factory.connect(factory.config().toBuilder().hosts(List.of(standbyOnly)).build())
                .get(30, TimeUnit.SECONDS)).hasMessageContaining("28000");
        assertThat(isUpAsStandby(lb)).as("health still shows b up: its old session answers").isTrue();

        List<Throwable> failures = new ArrayList<>();
        List<String> servedOn = new ArrayList<>();
        for (int i = 0; i < READS; i++) {
            read(servedOn, failures);
        }
        readsAtOnce(SESSIONS, servedOn, failures); // needs the pool to grow: its connect meets b's 28000
        for (int i = 0; i < READS; i++) {
            read(servedOn, failures);
        }
        assertThat(failures).as("reads that failed (before: every read from the first on)").isEmpty();
        assertThat(servedOn).as("served on the primary").hasSize(2 * READS + SESSIONS).containsOnly(la);
        assertThat(evictions.count("preferred-role")).as("one eviction round toward the refusing standby, its idle sessions")
                .isLessThanOrEqualTo(SESSIONS);
        assertThat(isUpAsStandby(lb)).as("health still shows b up").isTrue();

        // b takes the user again; the pool's sessions on a end (terminated): their replacements land on b
        b.rejectLogins(StarterCluster.USER, false);
        a.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + StarterCluster.USER
                + "' AND application_name NOT LIKE '%health'");
        awaitCondition("the pool's sessions on a closed", STEP, () -> factory.openConnections() == 0);
        awaitCondition("reads served on b", STEP, () -> readsAtOnce(SESSIONS).equals(List.of(lb, lb, lb)));
    }

    private boolean isUpAsStandby(String host) {
        HostStatus status = factory.hostStatus(host);
        return status.state() == HostStatus.State.UP && status.role() == ServerRole.STANDBY;
    }

    /** One read through the pool: where it was served, or its failure. */
    private void read(List<String> servedOn, List<Throwable> failures) {
        try {
            servedOn.add(Mono.usingWhen(Mono.from(pool.create()), this::serverOf, Connection::close).block(STEP));
        } catch (RuntimeException failure) {
            failures.add(failure);
        }
    }

    /** {@code n} reads holding {@code n} sessions at once; any failure thrown. */
    private List<String> readsAtOnce(int n) {
        List<Throwable> failures = new ArrayList<>();
        List<String> servedOn = new ArrayList<>();
        readsAtOnce(n, servedOn, failures);
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.get(0));
        }
        return servedOn;
    }

    private void readsAtOnce(int n, List<String> servedOn, List<Throwable> failures) {
        List<Connection> held = Flux.range(0, n).flatMap(i -> Mono.from(pool.create()).map(c -> List.of(c))
                .onErrorResume(failure -> {
                    failures.add(failure);
                    return Mono.just(List.of());
                })).flatMapIterable(c -> c).collectList().block(STEP);
        try {
            for (Connection connection : held) {
                servedOn.add(serverOf(connection).block(STEP));
            }
        } finally {
            Flux.fromIterable(held).flatMap(Connection::close).then().block(STEP);
        }
    }

    private Mono<String> serverOf(Connection connection) {
        return Flux.from(connection.createStatement("SELECT inet_server_port()::text").execute())
                .flatMap(result -> result.map(row -> "127.0.0.1:" + row.get(0, String.class))).single();
    }
}
