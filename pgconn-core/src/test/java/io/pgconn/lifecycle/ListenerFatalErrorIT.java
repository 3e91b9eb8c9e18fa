package io.pgconn.lifecycle;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.testing.Connect;
import io.pgconn.testing.RecordingListener;
import io.pgconn.testing.UncaughtRecordingLoop;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;


import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static io.pgconn.testing.UncaughtRecordingLoop.completionThrows;
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

    private static final UncaughtRecordingLoop LOOP = new UncaughtRecordingLoop("fatal-it");
    private static PgConnectionFactory factory;

    @BeforeAll
    static void factoryOnALoopWithARecordingUncaughtHandler() {
        factory = PgConnectionFactory.builder(ConnConfig.builder().build()).eventLoopGroup(LOOP.group()).build();
    }

    @AfterAll
    static void close() throws InterruptedException {
        LOOP.close(factory);
    }

    @BeforeEach
    void nothingUncaughtYet() {
        LOOP.forget();
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
            assertThat(await(LOOP.uncaught())).isSameAs(thrown);
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
        assertThat(await(LOOP.uncaught())).isSameAs(thrown);
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
            assertThat(await(LOOP.uncaught())).isSameAs(thrown);
            assertThat(failure(listening.closeFuture())).hasMessageContaining("57P01");
        } finally {
            await(listening.close());
        }
    }
}
