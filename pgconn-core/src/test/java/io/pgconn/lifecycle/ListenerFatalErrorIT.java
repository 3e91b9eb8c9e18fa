package io.pgconn.lifecycle;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.pgconn.Notification;
import io.pgconn.NotificationListener;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.testing.Connect;
import io.pgconn.testing.RecordingListener;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A VirtualMachineError thrown by a notification listener goes on up the event loop's thread (FatalErrors'
 * rule): to the loop thread's uncaught-exception handler, which Netty's own catching of whatever a handler
 * throws used to keep it from (REVIEW-10 observation: it became a plain session close). The session still
 * ends with it as the cause, and every other listener still hears its end — at the user's close (which used
 * to stop halfway: no Terminate, close() never completing) and at a session the server ended.
 */
class ListenerFatalErrorIT {

    private static final String USER = "fatal_u";

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("listenerfatal")
            .majorVersion(18)
            .user(PgUser.named(USER).allow(ConnectionType.HOST, AuthMethod.TRUST))
            .build();

    /** What reached the loop thread's uncaught-exception handler; replaced before each test. */
    private static volatile CompletableFuture<Throwable> uncaught = new CompletableFuture<>();
    private static EventLoopGroup group;
    private static PgConnectionFactory factory;

    @BeforeAll
    static void loopThreadsWithARecordingUncaughtHandler() {
        DefaultThreadFactory threads = new DefaultThreadFactory("fatal-it", true) {
            @Override
            protected Thread newThread(Runnable r, String name) {
                Thread thread = super.newThread(r, name);
                thread.setUncaughtExceptionHandler((t, e) -> uncaught.complete(e));
                return thread;
            }
        };
        group = new MultiThreadIoEventLoopGroup(1, threads, NioIoHandler.newFactory());
        factory = PgConnectionFactory.builder(ConnConfig.builder().build()).eventLoopGroup(group).build();
    }

    @AfterAll
    static void close() throws InterruptedException {
        int leftOpen = factory.openConnections();
        factory.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        assertThat(leftOpen).as("connections left open").isZero();
    }

    @BeforeEach
    void nothingUncaughtYet() {
        uncaught = new CompletableFuture<>();
    }

    private static PgConnection connect() {
        return await(factory.connect(Connect.config(PG.primary(), USER, null, "sslmode=disable extensionTypes=''")));
    }

    @Test
    void aNotificationListenersVirtualMachineErrorReachesTheLoopThreadsUncaughtHandlerAndEndsTheSession() {
        PgConnection listening = connect();
        PgConnection notifier = connect();
        try {
            StackOverflowError thrown = new StackOverflowError("a listener's");
            await(listening.listen("jobs", notification -> {
                throw thrown;
            }));
            await(notifier.simpleQuery("NOTIFY jobs, 'x'"));
            assertThat(await(uncaught)).isSameAs(thrown);
            assertThat(failure(listening.closeFuture())).hasRootCause(thrown);
        } finally {
            await(listening.close());
            await(notifier.close());
        }
    }

    @Test
    void everyListenerHearsTheUsersCloseWhenOneThrowsAVirtualMachineErrorAndTheCloseCompletes() throws Exception {
        PgConnection listening = connect();
        StackOverflowError thrown = new StackOverflowError("a listener's onComplete");
        RecordingListener b = new RecordingListener();
        RecordingListener c = new RecordingListener();
        await(listening.listen("a", completionThrows(thrown)));
        await(listening.listen("b", b));
        await(listening.listen("c", c));

        await(listening.close());

        b.awaitCompleted();
        c.awaitCompleted();
        assertThat(await(uncaught)).isSameAs(thrown);
        assertThat(listening.isClosed()).isTrue();
    }

    @Test
    void everyListenerHearsTheServersEndWhenOneThrowsAVirtualMachineError() throws Exception {
        PgConnection listening = connect();
        try {
            StackOverflowError thrown = new StackOverflowError("a listener's onComplete");
            RecordingListener b = new RecordingListener();
            RecordingListener c = new RecordingListener();
            await(listening.listen("a", completionThrows(thrown)));
            await(listening.listen("b", b));
            await(listening.listen("c", c));

            PG.primary().query("SELECT pg_terminate_backend(" + listening.processId() + ")");

            b.awaitCompleted();
            c.awaitCompleted();
            assertThat(await(uncaught)).isSameAs(thrown);
            assertThat(failure(listening.closeFuture())).hasMessageContaining("57P01");
        } finally {
            await(listening.close());
        }
    }

    private static NotificationListener completionThrows(VirtualMachineError thrown) {
        return new NotificationListener() {
            @Override
            public void onNotification(Notification notification) {
            }

            @Override
            public void onComplete(Throwable cause) {
                throw thrown;
            }
        };
    }
}
