package io.pgconn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link LoopbackForwarder} with plain sockets: bytes both ways, a repoint that moves new connections and leaves the
 * open ones, two forwarders on one port at two loopback addresses, the server's side through a test's pump, a refusing
 * target, an address that cannot be listened on, and a close that ends every connection and thread.
 */
@Timeout(30)
class LoopbackForwarderTest {

    private final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T opened(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    @Test
    void carriesBytesBothWaysToTheTargetAndEachConnectionSeparately() throws IOException {
        Target target = opened(new Target("a"));
        LoopbackForwarder forwarder = opened(LoopbackForwarder.to(target.port()));
        Client one = opened(new Client("127.0.0.1", forwarder.port()));
        Client two = opened(new Client("127.0.0.1", forwarder.port()));

        assertThat(one.ask("hello")).isEqualTo("a:hello");
        assertThat(two.ask("there")).isEqualTo("a:there");
        assertThat(one.ask("x".repeat(100_000))).isEqualTo("a:" + "x".repeat(100_000));
    }

    @Test
    void aRepointMovesNewConnectionsWhileTheOpenOnesStayWhereTheyWent() throws IOException {
        Target before = opened(new Target("before"));
        Target after = opened(new Target("after"));
        LoopbackForwarder forwarder = opened(LoopbackForwarder.to(before.port()));
        Client early = opened(new Client("127.0.0.1", forwarder.port()));
        assertThat(early.ask("1")).isEqualTo("before:1");

        forwarder.repoint(after.port());

        Client late = opened(new Client("127.0.0.1", forwarder.port()));
        assertThat(late.ask("2")).isEqualTo("after:2");
        assertThat(early.ask("3")).isEqualTo("before:3");
    }

    @Test
    void twoForwardersGiveTwoServersOnePortAtTwoLoopbackAddresses() throws IOException {
        Target primary = opened(new Target("primary"));
        Target standby = opened(new Target("standby"));
        LoopbackForwarder first = opened(LoopbackForwarder.start("127.0.0.2", 0, primary.port(), LoopbackForwarder.Pump.AS_THEY_COME));
        LoopbackForwarder second = opened(LoopbackForwarder.start("127.0.0.3", first.port(), standby.port(),
                LoopbackForwarder.Pump.AS_THEY_COME));

        assertThat(second.port()).isEqualTo(first.port());
        assertThat(opened(new Client("127.0.0.2", first.port())).ask("q")).isEqualTo("primary:q");
        assertThat(opened(new Client("127.0.0.3", first.port())).ask("q")).isEqualTo("standby:q");
    }

    @Test
    void theServersBytesGoThroughTheTestsPumpAndTheClientsAsTheyCome() throws IOException {
        Target target = opened(new Target("t"));
        LoopbackForwarder.Pump upperCase = (from, to) -> {
            for (int b; (b = from.read()) >= 0; ) {
                to.write(Character.toUpperCase(b));
                to.flush();
            }
        };
        LoopbackForwarder forwarder = opened(LoopbackForwarder.start("127.0.0.1", 0, target.port(), upperCase));

        assertThat(opened(new Client("127.0.0.1", forwarder.port())).ask("mixed Case")).isEqualTo("T:MIXED CASE");
        assertThat(target.heard).containsExactly("mixed Case");
    }

    @Test
    void aTargetThatRefusesEndsTheClientsConnection() throws IOException {
        int nothingThere;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nothingThere = s.getLocalPort();
        }
        LoopbackForwarder forwarder = opened(LoopbackForwarder.to(nothingThere));
        Client client = opened(new Client("127.0.0.1", forwarder.port()));

        assertThat(client.in.readLine()).as("end of stream").isNull();
    }

    @Test
    void anAddressThatCannotBeListenedOnIsNamedWithItsTarget() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> LoopbackForwarder.start("127.0.0.1", taken.getLocalPort(), 5432, LoopbackForwarder.Pump.AS_THEY_COME))
                    .isInstanceOf(PgTestkitException.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("127.0.0.1:5432");
        }
    }

    @Test
    void closeEndsEveryConnectionItsThreadsAndTheListener() throws IOException {
        Target target = opened(new Target("t"));
        LoopbackForwarder forwarder = LoopbackForwarder.to(target.port());
        Client client = opened(new Client("127.0.0.1", forwarder.port()));
        assertThat(client.ask("before")).isEqualTo("t:before");
        String threadPrefix = "forwarder-127.0.0.1:" + forwarder.port();

        forwarder.close();

        assertThat(client.in.readLine()).as("end of stream").isNull();
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), forwarder.port()).close())
                .isInstanceOf(ConnectException.class);
        String carriers = "forwarder-" + forwarder.port() + "-";
        PolledCondition.await("the forwarder's threads to end", Duration.ofSeconds(10), () -> Thread.getAllStackTraces().keySet()
                .stream().map(Thread::getName).noneMatch(n -> n.equals(threadPrefix) || n.startsWith(carriers)));
    }

    /** A server that answers each line with its name, a colon and the line. */
    private static final class Target implements AutoCloseable {
        final List<String> heard = new CopyOnWriteArrayList<>();
        private final ServerSocket listener;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();

        Target(String name) throws IOException {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = listener.accept();
                        accepted.add(s);
                        Thread t = new Thread(() -> answer(name, s), "target-" + name);
                        t.setDaemon(true);
                        t.start();
                    }
                } catch (IOException closed) {
                    // the test ended
                }
            }, "target-accept-" + name);
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void answer(String name, Socket s) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    PrintStream out = new PrintStream(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
                for (String line; (line = in.readLine()) != null; ) {
                    heard.add(line);
                    out.print(name + ":" + line + "\n");
                    out.flush();
                }
            } catch (IOException ended) {
                // the connection ended
            }
        }

        int port() {
            return listener.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    /** A line-based client. */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        final BufferedReader in;
        private final OutputStream out;

        Client(String address, int port) {
            try {
                socket = new Socket();
                socket.connect(new InetSocketAddress(InetAddress.getByName(address), port), 5_000);
                socket.setSoTimeout(10_000);
                in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                out = socket.getOutputStream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String ask(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return in.readLine();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
