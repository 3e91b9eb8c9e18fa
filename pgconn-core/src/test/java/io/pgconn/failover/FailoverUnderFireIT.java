package io.pgconn.failover;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgException;
import io.pgconn.config.ConnConfig;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.PgUser;
import io.pgconn.testkit.StopMode;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failover under fire (testing spec §3): hundreds of connects in flight while the primary dies and
 * a standby is promoted, and while a standby restarts. Every connect lands on a server that
 * satisfies target_session_attrs or fails with a PgException; none outlives the whole-attempt
 * deadline; channels, file descriptors and server backends return to their baseline.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverUnderFireIT {

    private static final int IN_FLIGHT = 200;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("fire")
            .standbys(2)
            .config("max_connections", "400")
            .user(PgUser.scram(FailoverCluster.USER, FailoverCluster.PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .build();

    @Test
    @Order(1)
    void connectsInFlightWhileAStandbyRestarts() throws Exception {
        PgServer restarting = PG.standby(1);
        ConnConfig config = FailoverCluster.config("target_session_attrs=standby hostConnectTimeout=3s connectTimeout="
                + CONNECT_TIMEOUT.toSeconds() + "s", PG.standby(1).port(), PG.standby(0).port());
        runUnderFire(config, ServerRole.STANDBY, () -> restarting.restart());
    }

    @Test
    @Order(2)
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

    private void runUnderFire(ConnConfig config, ServerRole expectedRole, Runnable disruption) throws Exception {
        long fdsBefore = openFileDescriptors();
        List<PgConnection> landed = new ArrayList<>();
        List<Throwable> failed = new ArrayList<>();
        try (PgConnectionFactory factory = PgConnectionFactory.builder(config).threads(2).build()) {
            List<CompletableFuture<PgConnection>> inFlight = new ArrayList<>();
            for (int i = 0; i < IN_FLIGHT; i++) {
                inFlight.add(factory.connect());
                if (i == IN_FLIGHT / 4) {
                    disruption.run(); // the rest are started while (and after) the cluster changes
                }
            }
            long deadline = System.nanoTime() + CONNECT_TIMEOUT.plusSeconds(10).toNanos();
            for (CompletableFuture<PgConnection> f : inFlight) {
                long left = Math.max(1, deadline - System.nanoTime());
                try {
                    landed.add(f.get(left, TimeUnit.NANOSECONDS));
                } catch (ExecutionException e) {
                    failed.add(e.getCause());
                } catch (TimeoutException e) {
                    throw new AssertionError("a connect outlived the whole-attempt deadline", e);
                }
            }
            assertThat(landed.size() + failed.size()).isEqualTo(IN_FLIGHT);
            assertThat(landed).isNotEmpty().allSatisfy(c -> assertThat(c.role()).isEqualTo(expectedRole));
            assertThat(failed).allSatisfy(e -> {
                assertThat(e).isInstanceOf(PgException.class);
                assertThat(e.getMessage()).contains("127.0.0.1:");
            });
            for (PgConnection c : landed) {
                c.close().get(10, TimeUnit.SECONDS);
            }
            assertThat(factory.openConnections()).isZero();
        }
        awaitCondition(() -> openFileDescriptors() <= fdsBefore + 2, "file descriptors back to " + fdsBefore);
        for (PgServer server : PG.cluster().servers()) {
            if (server.isRunning()) {
                awaitCondition(() -> Objects.equals("0", server.queryValue(
                        "SELECT count(*) FROM pg_stat_activity WHERE usename = '" + FailoverCluster.USER + "'")),
                        "no backends of " + FailoverCluster.USER + " left on " + server.port());
            }
        }
    }

    private static long openFileDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? 0 : fds.length;
    }

    private static void awaitCondition(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 30 s: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // poll interval
        }
    }
}
