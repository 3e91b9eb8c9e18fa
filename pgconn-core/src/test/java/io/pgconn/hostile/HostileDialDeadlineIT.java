package io.pgconn.hostile;

import io.pgconn.HostStatus;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgTimeoutException;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * REVIEW-10 F3: a host the whole connect's deadline cut short while its TCP connect was still unanswered (a
 * partition or firewall that drops the SYN; here a listener whose accept queue is full, which Linux answers by
 * dropping the SYN). The dial's own timeout (Netty's CONNECT_TIMEOUT_MILLIS, the host's budget clamped to what
 * is left of connectTimeout, in whole milliseconds) fires before the walk's deadline, and its failure was taken
 * for the host's: remembered as down, which docs/lifecycle.md §2.4 says a host cut short is not.
 */
class HostileDialDeadlineIT {

    @Test
    void aHostWhoseDialTheWholeConnectDeadlineCutShortIsNotRememberedAsDown() throws Exception {
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = fillAcceptQueue(full);
            String label = "127.0.0.1:" + full.getLocalPort();
            ConnConfig config = ConnConfig.parse("host=127.0.0.1 port=" + full.getLocalPort() + " user=alice dbname=app"
                    + " sslmode=disable extensionTypes='' hostConnectTimeout=20s connectTimeout=500ms", EnvironmentSource.of(Map.of()));
            try (PgConnectionFactory factory = PgConnectionFactory.builder(config).build()) {
                // a few connects: the first one's cold code paths (class loading, JIT) delay the dial past the walk's
                // deadline; warm, the dial's own timer is due first (its budget is truncated to whole milliseconds)
                for (int i = 0; i < 5; i++) {
                    Throwable error = failureOf(factory);
                    assertThat(error).isInstanceOf(PgTimeoutException.class);
                    assertThat(factory.hostStatus(label).state())
                            .as("connect " + (i + 1) + " cut short by connectTimeout, not found down: " + error.getMessage())
                            .isEqualTo(HostStatus.State.UNKNOWN);
                }
            } finally {
                for (Socket filler : fillers) {
                    filler.close();
                }
            }
        }
    }

    /** Connects until one connect is left unanswered: the accept queue is full, later SYNs are dropped. */
    private static List<Socket> fillAcceptQueue(ServerSocket listener) throws IOException {
        List<Socket> fillers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 300);
                fillers.add(socket);
            } catch (SocketTimeoutException e) {
                socket.close();
                return fillers;
            }
        }
        throw new AssertionError("the listener's accept queue never filled: SYNs are not dropped here");
    }

    private static Throwable failureOf(PgConnectionFactory factory) throws Exception {
        try {
            PgConnection connection = factory.connect().get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            connection.close();
            throw new AssertionError("connected to a listener that never accepts: " + connection);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
