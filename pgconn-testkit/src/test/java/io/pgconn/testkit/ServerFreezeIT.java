package io.pgconn.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ServerFreeze}: every process of the server stopped while frozen and running again after {@code close()}; and a
 * freeze made while sessions end all the time (backends exiting between the listing and the signal) neither fails nor
 * leaves the server stopped — session 27: {@code kill -STOP} of a listed backend that had exited failed the freeze, which
 * threw without thawing, and every later test on that server timed out; and the project's CI of session 27's landing
 * failed here on the thaw: the postmaster, running again, reaped an exited backend between the re-listing of the living
 * and the second {@code kill -CONT}, which exited 1. A gone backend is now no failure for either signal.
 */
class ServerFreezeIT {

    private static final String USER = "app";
    private static final String PASSWORD = "app-pw";

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("server-freeze")
            .user(PgUser.scram(USER, PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .build();

    @Test
    void everyProcessIsStoppedWhileFrozenAndRunsAgainAfterTheThaw() throws Exception {
        PgServer server = PG.primary();
        try (Connection session = Jdbc.connect(server, Jdbc.props(USER, PASSWORD))) {
            List<Long> processes = processesOf(server);
            try (ServerFreeze freeze = ServerFreeze.of(server)) {
                assertThat(processes).as("the postmaster and its children").allSatisfy(pid -> assertThat(ServerFreeze.state(pid)).isEqualTo('T'));
            }
            assertThat(processes).allSatisfy(pid -> assertThat(ServerFreeze.state(pid)).isNotEqualTo('T'));
            assertThat(Jdbc.value(session, "SELECT 1")).isEqualTo("1");
        }
    }

    @Test
    @Timeout(120)
    void aFreezeWhileSessionsEndSucceedsAndTheThawLeavesNothingStopped() throws Exception {
        PgServer server = PG.primary();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sessions = new AtomicInteger();
        Thread churn = new Thread(() -> {
            while (!stop.get()) {
                try (Connection c = Jdbc.connect(server, Jdbc.props(USER, PASSWORD, "socketTimeout", "2"))) {
                    Jdbc.value(c, "SELECT 1");
                    sessions.incrementAndGet();
                } catch (SQLException frozenMeanwhile) {
                    // a login or query that met the freeze: the churn goes on
                }
            }
        }, "session-churn");
        churn.start();
        try {
            for (int i = 0; i < 40; i++) {
                int before = sessions.get();
                while (sessions.get() < before + 2) {
                    Thread.onSpinWait(); // sessions came and went since the last thaw
                }
                ServerFreeze.of(server).close();
                assertThat(processesOf(server)).as("freeze %d thawed", i).allSatisfy(pid -> assertThat(ServerFreeze.state(pid)).isNotEqualTo('T'));
            }
        } finally {
            stop.set(true);
            churn.join();
        }
        assertThat(server.queryValue("SELECT 1")).isEqualTo("1");
    }

    private static List<Long> processesOf(PgServer server) {
        ProcessHandle postmaster = ProcessHandle.of(server.pid()).orElseThrow();
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(postmaster), postmaster.children())
                .map(ProcessHandle::pid).toList();
    }

}
