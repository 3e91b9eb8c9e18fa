package io.pgconn.notify;

import io.pgconn.PgConnectionFactory;
import io.pgconn.testing.Connect;
import io.pgconn.testing.RecordingListener;
import io.pgconn.testing.UncaughtRecordingLoop;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.CompletableFuture;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.UncaughtRecordingLoop.completionThrows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 10's leftover: a subscriber's end gave its listeners their {@code onComplete} one after the other
 * ({@code ChannelSet.completeAll}), and a listener's VirtualMachineError stopped it there — the listeners after
 * it never heard the end, and neither did the rest of the end: {@code close()} never completed, {@code ended()}
 * stayed open, {@code closed()} was never told (the flaw {@code SessionListeners.stop} had). Now every listener
 * and the subscriber itself end, and the error then goes on up the thread: to its uncaught-exception handler
 * (the end runs in a future's callback, which would keep it in a future nobody reads).
 */
class SubscriberListenerFatalErrorIT {

    private static final String USER = "subfatal_u";

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("subscriberfatal")
            .majorVersion(18)
            .user(PgUser.named(USER).allow(ConnectionType.HOST, AuthMethod.TRUST))
            .build();

    /** Its handler records for the loop thread and for the thread that calls close(). */
    private static final UncaughtRecordingLoop LOOP = new UncaughtRecordingLoop("subscriber-fatal-it");
    private static PgConnectionFactory factory;

    @BeforeAll
    static void factoryOnALoopWithARecordingUncaughtHandler() {
        factory = PgConnectionFactory.builder(Connect.config(PG.primary(), USER, null, "sslmode=disable extensionTypes=''"))
                .eventLoopGroup(LOOP.group()).build();
    }

    @AfterAll
    static void close() throws InterruptedException {
        LOOP.close(factory);
    }

    @Test
    void everyListenerAndTheSubscriberEndWhenOneListenerThrowsAVirtualMachineErrorAtClose() throws Exception {
        RecordingEvents events = new RecordingEvents();
        NotificationSubscriber subscriber = await(NotificationSubscriber.open(factory, ReconnectPolicy.DEFAULT, events));
        StackOverflowError thrown = new StackOverflowError("a listener's onComplete");
        RecordingListener a = new RecordingListener();
        RecordingListener c = new RecordingListener();
        await(subscriber.listen("a", a));
        await(subscriber.listen("b", completionThrows(thrown)));
        await(subscriber.listen("c", c));

        await(closeOnAThreadWithTheRecordingHandler(subscriber));

        a.awaitCompleted();
        c.awaitCompleted();
        await(subscriber.ended());
        assertThat(events.closed).hasSize(1);
        assertThat(subscriber.state().status()).isEqualTo(SubscriberState.Status.CLOSED);
        assertThat(subscriber.connection().isClosed()).isTrue();
        assertThat(await(LOOP.uncaught())).isSameAs(thrown);
    }

    /** close() from a thread whose uncaught-exception handler records: the end may run there, when the connection closed first. */
    private static CompletableFuture<Void> closeOnAThreadWithTheRecordingHandler(NotificationSubscriber subscriber) throws InterruptedException {
        CompletableFuture<CompletableFuture<Void>> closing = new CompletableFuture<>();
        Thread closer = new Thread(() -> closing.complete(subscriber.close()), "subscriber-fatal-closer");
        closer.setUncaughtExceptionHandler(LOOP.recording());
        closer.start();
        closer.join(Connect.LIMIT.toMillis());
        return await(closing);
    }
}
