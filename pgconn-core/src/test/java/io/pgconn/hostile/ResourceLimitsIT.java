package io.pgconn.hostile;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgConnectException;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.testing.JvmResources;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.pgconn.testing.Conditions.awaitAtMost;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1,000 sequential failed connects leave threads, file descriptors and heap where they were (with a
 * tolerance, polled until they settle): failures must not accumulate channels, timers, threads or
 * per-attempt state. Half are refused at TCP level, half go through startup and authentication to a
 * 28P01 from a scripted server.
 */
class ResourceLimitsIT {

    private static final int CONNECTS = 1000;
    private static final int WARM_UP = 100;
    private static final Duration SETTLE = Duration.ofSeconds(20);

    @Test
    void failedConnectsLeaveThreadsFdsAndHeapFlat() throws Exception {
        int refusedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refusedPort = probe.getLocalPort();
        }
        try (ScriptedServer rejecting = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationCleartext());
            c.readMessage();
            c.send(Backend.errorResponse("28P01", "password authentication failed for user \"alice\""));
        })) {
            ConnConfig refused = config(refusedPort);
            ConnConfig rejected = config(rejecting.port());
            try (PgConnectionFactory factory = PgConnectionFactory.builder(rejected).threads(2).build()) {
                failConnects(factory, refused, rejected, WARM_UP);
                rejecting.awaitConnectionsEnded(Duration.ofSeconds(10));
                long threads = JvmResources.threads();
                long fds = JvmResources.openFileDescriptors();
                long heap = JvmResources.heapAfterGc();

                failConnects(factory, refused, rejected, CONNECTS);

                rejecting.awaitConnectionsEnded(Duration.ofSeconds(10));
                awaitAtMost("threads", JvmResources::threads, threads + 4, SETTLE);
                awaitAtMost("file descriptors", JvmResources::openFileDescriptors, fds + 4, SETTLE);
                awaitAtMost("heap after GC", JvmResources::heapAfterGc, heap + 24L * 1024 * 1024, SETTLE);
                assertThat(factory.openConnections()).isZero();
            }
            rejecting.assertScriptsPassed();
        }
    }

    private static void failConnects(PgConnectionFactory factory, ConnConfig refused, ConnConfig rejected, int count)
            throws InterruptedException {
        for (int i = 0; i < count; i++) {
            boolean tcpRefusal = i % 2 == 0;
            try {
                factory.connect(tcpRefusal ? refused : rejected).get(10, TimeUnit.SECONDS);
                throw new AssertionError("connect " + i + " succeeded");
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isExactlyInstanceOf(tcpRefusal ? PgConnectException.class : PgAuthenticationException.class);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("connect " + i + " hung", e);
            }
        }
    }

    private static ConnConfig config(int port) {
        return ConnConfig.parse("host=127.0.0.1 port=" + port + " user=alice dbname=app password=" + HostileClient.PASSWORD
                + " sslmode=disable extensionTypes='' hostConnectTimeout=5s", EnvironmentSource.of(Map.of()));
    }
}
