package io.pgconn.hostile;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgTimeoutException;
import io.pgconn.Transport;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A host that accepts, starts SCRAM and stalls after the client's proof — a backend stuck in an authentication hook,
 * an LDAP or RADIUS server that never answers — in a multi-host list. However the walk leaves it (its host budget
 * runs out and the next host connects, the whole connectTimeout passes, the caller cancels), nothing of the attempt
 * stays behind: the stalled socket is closed by the client, and no timer of the walk or of its attempts is still
 * scheduled on the connect's event loop (docs/lifecycle.md §3: every step bounded, nothing leaked).
 */
class HostileStallMidAuthIT {

    private static final Duration CLOSE_LIMIT = Duration.ofSeconds(5);

    /** SCRAM up to the client's final message, then nothing: the server never sends SASLFinal. */
    private static ScriptedServer stallingAfterTheProof(CountDownLatch proofRead) {
        return ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationSasl("SCRAM-SHA-256"));
            ScramServerSide scram = ScramServerSide.begin(c);
            c.send(Backend.saslContinue(scram.serverFirst()));
            c.readMessage(); // the client's proof, never answered
            proofRead.countDown();
        });
    }

    private static ScriptedServer answering() {
        return ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
        });
    }

    @Test
    void aHostStalledMidAuthenticationIsLeftAtItsBudgetAndLeavesNoSocketOrTimerBehind() throws Exception {
        CountDownLatch proofRead = new CountDownLatch(1);
        EventLoopGroup group = Transport.best().newEventLoopGroup(1);
        try (ScriptedServer stalled = stallingAfterTheProof(proofRead); ScriptedServer good = answering();
             PgConnectionFactory factory = factory(group, "hostConnectTimeout=500ms connectTimeout=10s", stalled, good)) {
            PgConnection connection = factory.connect().get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(connection.host()).isEqualTo(good.label());
            assertThat(proofRead.getCount()).as("the first host stalled after the client's proof").isZero();
            stalled.awaitConnectionsEnded(CLOSE_LIMIT);
            assertNoTimerLeft(group);
            connection.close().get(CLOSE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            good.awaitConnectionsEnded(CLOSE_LIMIT);
            assertNoTimerLeft(group);
            assertThat(factory.openConnections()).isZero();
            stalled.assertScriptsPassed();
            good.assertScriptsPassed();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aWalkWhoseDeadlinePassesWhileHostsStallMidAuthenticationLeavesNoSocketOrTimerBehind() throws Exception {
        CountDownLatch proofRead = new CountDownLatch(2);
        EventLoopGroup group = Transport.best().newEventLoopGroup(1);
        try (ScriptedServer first = stallingAfterTheProof(proofRead); ScriptedServer second = stallingAfterTheProof(proofRead);
             PgConnectionFactory factory = factory(group, "hostConnectTimeout=600ms connectTimeout=1s", first, second)) {
            Throwable error = failure(factory.connect());
            assertThat(error).isInstanceOf(PgTimeoutException.class).hasMessageContaining("connectTimeout=1000ms")
                    .hasMessageContaining(first.label()).hasMessageContaining(second.label());
            assertThat(proofRead.getCount()).as("both hosts stalled after the client's proof").isZero();
            first.awaitConnectionsEnded(CLOSE_LIMIT);
            second.awaitConnectionsEnded(CLOSE_LIMIT);
            assertNoTimerLeft(group);
            assertThat(factory.openConnections()).isZero();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aConnectCancelledWhileAHostStallsMidAuthenticationLeavesNoSocketOrTimerBehind() throws Exception {
        CountDownLatch proofRead = new CountDownLatch(1);
        EventLoopGroup group = Transport.best().newEventLoopGroup(1);
        try (ScriptedServer stalled = stallingAfterTheProof(proofRead); ScriptedServer good = answering();
             PgConnectionFactory factory = factory(group, "hostConnectTimeout=20s connectTimeout=30s", stalled, good)) {
            CompletableFuture<PgConnection> connect = factory.connect();
            assertThat(proofRead.await(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(scheduledOn(group)).as("the walk's deadline and the attempt's budget, armed while the host stalls").isNotEmpty();
            assertThat(connect.cancel(false)).isTrue();
            stalled.awaitConnectionsEnded(CLOSE_LIMIT);
            assertNoTimerLeft(group);
            assertThat(good.connections()).as("no host is tried after the cancel").isZero();
            assertThat(factory.openConnections()).isZero();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static PgConnectionFactory factory(EventLoopGroup group, String budgets, ScriptedServer... servers) {
        List<String> ports = new ArrayList<>();
        for (ScriptedServer server : servers) {
            ports.add(String.valueOf(server.port()));
        }
        ConnConfig config = ConnConfig.parse("host=" + String.join(",", java.util.Collections.nCopies(servers.length, "127.0.0.1"))
                + " port=" + String.join(",", ports) + " user=alice dbname=app password=" + HostileClient.PASSWORD
                + " sslmode=disable extensionTypes='' " + budgets, EnvironmentSource.of(Map.of()));
        return PgConnectionFactory.builder(config).eventLoopGroup(group).build();
    }

    private static Throwable failure(CompletableFuture<PgConnection> connect) throws Exception {
        try {
            PgConnection connection = connect.get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            connection.close();
            throw new AssertionError("connected through stalled hosts: " + connection);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /**
     * No task is scheduled on the group's loop (a walk's deadline, an attempt's budget, a cancel's timer left armed
     * would be): read on the loop itself, after whatever removal of cancelled timers was queued before.
     */
    private static void assertNoTimerLeft(EventLoopGroup group) throws Exception {
        assertThat(scheduledOn(group)).as("timers still scheduled on the connect's loop").isEmpty();
    }

    private static List<String> scheduledOn(EventLoopGroup group) throws Exception {
        EventLoop loop = (EventLoop) group.next();
        return loop.submit(() -> scheduledTasks(loop)).get(5, TimeUnit.SECONDS);
    }

    private static List<String> scheduledTasks(EventLoop loop) throws ReflectiveOperationException {
        Field queue = AbstractScheduledEventExecutor.class.getDeclaredField("scheduledTaskQueue");
        queue.setAccessible(true);
        Collection<?> tasks = (Collection<?>) queue.get(loop);
        List<String> described = new ArrayList<>();
        if (tasks != null) {
            tasks.forEach(t -> described.add(String.valueOf(t)));
        }
        return described;
    }
}
