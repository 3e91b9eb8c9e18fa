package io.pgconn.query;

import io.pgconn.testkit.PgServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * A PgBouncer in transaction pooling mode (or another, {@link #start(int, String, int, String)}) in front of a testkit server, started by a test from a generated ini: one
 * database {@code pooled} (the server's {@code postgres}), {@code auth_type = trust} for {@code user}, a server pool
 * of {@code poolSize} sessions handed out last-in first-out ({@code server_round_robin = 0}, PgBouncer's default), a
 * free port on 127.0.0.1, no Unix socket, its log on its standard error (the directory's {@code pgbouncer.out}). Runs in the foreground as
 * a child process ({@code -u nobody} when the JVM is root: PgBouncer refuses root), stopped by {@link #close()}.
 * Without a {@code pgbouncer} on the PATH the test is skipped — except under {@code CI=true}, where .ci/run installs it.
 */
final class TransactionPoolerProcess implements AutoCloseable {

    private static final Duration START_LIMIT = Duration.ofSeconds(20);

    private final Process process;
    private final Path dir;
    private final int port;

    private TransactionPoolerProcess(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Starts PgBouncer in front of {@code server}, for {@code user}, with {@code poolSize} server sessions. */
    static TransactionPoolerProcess start(PgServer server, String user, int poolSize) throws IOException, InterruptedException {
        return start(server.port(), user, poolSize);
    }

    /**
     * Starts PgBouncer in front of the server (or a relay to it) on 127.0.0.1:{@code serverPort}, for {@code user}, with
     * {@code poolSize} server sessions.
     */
    static TransactionPoolerProcess start(int serverPort, String user, int poolSize) throws IOException, InterruptedException {
        return start(serverPort, user, poolSize, "transaction");
    }

    /**
     * Starts PgBouncer as above in {@code poolMode} ({@code transaction}, {@code session}): in session mode a client
     * keeps the server session it got until it disconnects, and a client's first query waits while all
     * {@code poolSize} are held (its login is answered at once, from the first server session's parameters).
     */
    static TransactionPoolerProcess start(int serverPort, String user, int poolSize, String poolMode) throws IOException, InterruptedException {
        Path binary = onPath("pgbouncer");
        if (binary == null) {
            String why = "pgbouncer is not on the PATH: cannot test pgconn behind a transaction-mode pooler"
                    + " (Debian/Ubuntu: apt-get install pgbouncer)";
            if ("true".equals(System.getenv("CI"))) {
                fail(why + " — CI=true, where .ci/run installs it");
            }
            abort(why);
        }
        Path dir = Files.createTempDirectory("pgconn-pgbouncer-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // read by nobody when we are root
        int port = freePort();
        Path users = Files.writeString(dir.resolve("userlist.txt"), "\"" + user + "\" \"\"\n");
        Path ini = Files.writeString(dir.resolve("pgbouncer.ini"), String.join("\n",
                "[databases]",
                "pooled = host=127.0.0.1 port=" + serverPort + " dbname=postgres",
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + port,
                "unix_socket_dir =",
                "auth_type = trust",
                "auth_file = " + users,
                "pool_mode = " + poolMode,
                "default_pool_size = " + poolSize,
                "server_round_robin = 0",
                "ignore_startup_parameters = extra_float_digits,options",
                ""), StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        if (isRoot()) {
            command.addAll(List.of("-u", "nobody"));
        }
        command.add(ini.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("pgbouncer.out").toFile()).start();
        TransactionPoolerProcess pooler = new TransactionPoolerProcess(process, dir, port);
        pooler.awaitListening();
        return pooler;
    }

    /** The port PgBouncer listens on (127.0.0.1), database {@code pooled}. */
    int port() {
        return port;
    }

    /**
     * Whether the {@code pgbouncer} this class starts is older than 1.21: it keeps a server session linked only while
     * a Sync (or Query) it forwarded is unanswered, not while a Parse/Describe/Flush is (docs/query.md §1,
     * {@code pipeliningLimit}). From {@code pgbouncer --version}'s first line, {@code PgBouncer 1.18.0}.
     */
    static boolean countsOnlySyncs() throws IOException, InterruptedException {
        Path binary = onPath("pgbouncer");
        if (binary == null) {
            return false;
        }
        Process version = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
        String out = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        version.waitFor(10, TimeUnit.SECONDS);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("PgBouncer (\\d+)\\.(\\d+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("cannot read the version of " + binary + ": " + out);
        }
        int major = Integer.parseInt(m.group(1));
        return major < 1 || major == 1 && Integer.parseInt(m.group(2)) < 21;
    }

    /** What PgBouncer logged so far (its standard error and output). */
    String log() throws IOException {
        return Files.readString(dir.resolve("pgbouncer.out"));
    }

    private void awaitListening() throws InterruptedException, IOException {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String out = Files.readString(dir.resolve("pgbouncer.out"));
                close();
                fail("pgbouncer exited with " + process.exitValue() + ": " + out);
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50); // polling a port that is not open yet: there is nothing to wait on
            }
        }
        close();
        fail("pgbouncer did not listen on 127.0.0.1:" + port + " within " + START_LIMIT);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory left behind: nothing of the test depends on it
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static Path onPath(String tool) {
        for (String d : String.valueOf(System.getenv("PATH")).split(java.io.File.pathSeparator)) {
            Path p = Path.of(d.isEmpty() ? "." : d, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        for (String d : List.of("/usr/sbin", "/usr/local/sbin")) { // Debian installs it in /usr/sbin, not on every PATH
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
