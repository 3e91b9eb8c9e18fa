package io.pgconn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PostgreSQL 14 and 18 start, report their version, restart, and stop without leaving a process. */
class ServerVersionsIT {

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {14, 18})
    void startsReportsItsVersionAndStopsWithoutLeftovers(int major) throws Exception {
        long t0 = System.nanoTime();
        PgServer server = PgServer.builder().majorVersion(major).name("versions" + major).start();
        long firstMs = (System.nanoTime() - t0) / 1_000_000;
        Path dir = server.directory();
        long pid;
        List<Long> children;
        try {
            assertThat(server.majorVersion()).isEqualTo(major);
            assertThat(server.version()).startsWith(major + ".");
            try (Connection c = Jdbc.connect(server, Jdbc.props(server.superuser(), null))) {
                assertThat(Jdbc.value(c, "SHOW server_version")).startsWith(major + ".").isEqualTo(server.version());
                assertThat(Jdbc.value(c, "SELECT current_setting('data_directory')"))
                        .isEqualTo(server.dataDirectory().toString());
            }
            assertThat(server.execute("SELECT 1, 'a'")).containsExactly("1|a");
            assertThat(server.socketFile()).exists();

            pid = server.pid();
            assertThat(Os.isAlive(pid)).isTrue();
            assertThat(Path.of("/proc/" + pid)).exists();
            children = ProcessHandle.of(pid).orElseThrow().children().map(ProcessHandle::pid).toList();
            assertThat(children).as("postmaster children").isNotEmpty();
            if (Os.isRoot()) {
                assertThat(Files.getOwner(server.dataDirectory()).getName()).isEqualTo(Os.SERVER_ACCOUNT);
            }

            server.stop(StopMode.FAST);
            assertThat(server.isRunning()).isFalse();
            assertGone(pid, children);

            int port = server.port();
            server.start();
            assertThat(server.port()).isEqualTo(port);
            assertThat(server.queryValue("SELECT 40 + 2")).isEqualTo("42");
            long secondPid = server.pid();
            server.restart();
            assertThat(server.pid()).isNotEqualTo(secondPid);
            assertThat(Os.isAlive(secondPid)).isFalse();
            assertThat(server.queryValue("SELECT pg_is_in_recovery()")).isEqualTo("f");
            pid = server.pid();
            children = ProcessHandle.of(pid).orElseThrow().children().map(ProcessHandle::pid).toList();
        } finally {
            server.close();
        }
        assertGone(pid, children);
        assertThat(dir).doesNotExist();

        List<Long> nextMs = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long t1 = System.nanoTime();
            try (PgServer again = PgServer.builder().majorVersion(major).start()) {
                nextMs.add((System.nanoTime() - t1) / 1_000_000);
                assertThat(again.port()).isNotEqualTo(server.port());
            }
        }
        System.out.printf("pgconn-testkit: PostgreSQL %d: first start %d ms (may include extraction + initdb), "
                + "next starts %s ms (template copy + start)%n", major, firstMs, nextMs);
    }

    /**
     * New user 19's F8: a postmaster killed from outside (kill -9, as a crash test does) is not running, and start()
     * starts the server again; it said running and start() did nothing (seen failing before).
     */
    @Test
    void aPostmasterKilledFromOutsideIsNotRunningAndStartsAgain() {
        try (PgServer server = PgServer.builder().name("killed").start()) {
            long pid = server.pid();
            List<Long> children = ProcessHandle.of(pid).orElseThrow().children().map(ProcessHandle::pid).toList();
            Os.signal(pid, "KILL");
            PolledCondition.await("the killed postmaster to be gone", java.time.Duration.ofSeconds(30), () -> !Os.isAlive(pid));
            assertThat(server.isRunning()).isFalse();
            assertThat(server.pid()).isEqualTo(-1);

            server.start();
            assertThat(server.isRunning()).isTrue();
            assertThat(server.pid()).isNotEqualTo(pid);
            assertThat(server.queryValue("SELECT 40 + 2")).isEqualTo("42");
            for (long child : children) {
                assertThat(Os.isAlive(child)).as("child %d of the killed postmaster", child).isFalse();
            }
        }
    }

    /**
     * The JVM's shutdown hook kills every live server and deletes its directory while an application closes its own
     * (a Spring context's close runs beside it): the application's stop afterwards is a no-op, not a failure to remove
     * the killed postmaster's lock files from a directory that is gone (the sample app's shutdown logged that WARN).
     */
    @Test
    void aStopAfterTheShutdownHooksKillIsANoOp() {
        PgServer server = PgServer.builder().name("hooked").start();
        server.killForShutdown();
        assertThat(server.isRunning()).isFalse();
        server.stop();
        assertThat(server.isRunning()).isFalse();
    }

    @Test
    void aFailedStartReportsTheServerLogAndLeavesNothingBehind() throws Exception {
        List<Path> before = runDirectoryEntries();
        assertThatThrownBy(() -> PgServer.builder().name("broken").config("shared_buffers", "lots").start())
                .isInstanceOf(PgTestkitException.class)
                .hasMessageContaining("did not start")
                .hasMessageContaining("shared_buffers");
        assertThat(runDirectoryEntries()).isEqualTo(before);
    }

    private static List<Path> runDirectoryEntries() throws java.io.IOException {
        try (java.util.stream.Stream<Path> s = Files.list(Workspace.runDir())) {
            return s.filter(p -> !p.getFileName().toString().equals("owner")).sorted().toList();
        }
    }

    private static void assertGone(long pid, List<Long> children) {
        assertThat(Os.isAlive(pid)).as("postmaster %d alive", pid).isFalse();
        for (long child : children) {
            assertThat(Os.isAlive(child)).as("child %d alive", child).isFalse();
        }
    }
}
