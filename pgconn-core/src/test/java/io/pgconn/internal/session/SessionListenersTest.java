package io.pgconn.internal.session;

import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.Notification;
import io.pgconn.NotificationListener;
import io.pgconn.ServerErrorFields;
import io.pgconn.internal.protocol.backend.NoticeResponse;
import io.pgconn.internal.protocol.backend.NotificationResponse;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A listener's failure never breaks the session (REVIEW-8 F8: an Error thrown by a listener used to reach
 * the pipeline and close the session; only RuntimeExceptions were caught) — except a VirtualMachineError,
 * which no guard catches (FatalErrors).
 */
class SessionListenersTest {

    private final PipelinedSession session = new PipelinedSession("db:5432", Map.of(), 0, io.pgconn.internal.query.TextValueCodecs.INSTANCE);
    private final EmbeddedChannel channel = new EmbeddedChannel(new SessionHandler(session));

    @Test
    void aListenerThatThrowsAnErrorLeavesTheSessionOpenAndHearsTheNextNotification() {
        List<String> heard = new ArrayList<>();
        session.listeners().add("a", notification -> {
            heard.add(notification.payload());
            if (heard.size() == 1) {
                throw new AssertionError("an application's bug");
            }
        });
        session.listeners().noticeListener(notice -> {
            throw new NoClassDefFoundError("com/example/Missing");
        });

        channel.writeInbound(new NotificationResponse(42, "a", "first"));
        channel.writeInbound(new NoticeResponse(new ServerErrorFields(Map.of('S', "WARNING", 'C', "01000", 'M', "w"))));
        channel.writeInbound(new NotificationResponse(42, "a", "second"));

        assertThat(channel.isActive()).as("the session is still open").isTrue();
        assertThat(heard).containsExactly("first", "second");
        assertThat(session.whyEnded().cause()).isNull();
    }

    @Test
    void aListenerWhoseCompletionThrowsDoesNotKeepTheOthersFromHearingTheClose() {
        List<String> completed = new ArrayList<>();
        session.listeners().add("a", completing(completed, "a"));
        session.listeners().add("b", completing(completed, "b"));
        session.listeners().stop(null);
        assertThat(completed).containsExactlyInAnyOrder("a", "b");
    }

    /**
     * The guard lets a VirtualMachineError through: the pipeline gets it, the session ends with it as the
     * cause, and it goes on to the (loop) thread's uncaught-exception handler, which Netty's catching kept it from.
     */
    @Test
    void aVirtualMachineErrorIsNotCaughtByTheGuard() {
        StackOverflowError thrown = new StackOverflowError();
        session.listeners().add("a", notification -> {
            throw thrown;
        });
        List<Throwable> uncaught = onThisThreadsUncaughtHandler(() -> channel.writeInbound(new NotificationResponse(42, "a", "x")));
        assertThat(channel.isActive()).isFalse();
        assertThat(session.whyEnded().cause()).hasCause(thrown);
        assertThat(uncaught).containsExactly(thrown);
    }

    /** One listener's VirtualMachineError at the close does not keep the others from their end; the thread gets it after. */
    @Test
    void aVirtualMachineErrorInOneCompletionStillLetsEveryOtherListenerHearTheClose() {
        List<String> completed = new ArrayList<>();
        StackOverflowError thrown = new StackOverflowError();
        for (String name : List.of("a", "b", "c", "d")) {
            session.listeners().add(name, new NotificationListener() {
                @Override
                public void onNotification(Notification notification) {
                }

                @Override
                public void onComplete(Throwable cause) {
                    completed.add(name);
                    if (completed.size() == 1) {
                        throw thrown;
                    }
                }
            });
        }
        List<Throwable> uncaught = onThisThreadsUncaughtHandler(() -> session.listeners().stop(null));
        assertThat(completed).containsExactlyInAnyOrder("a", "b", "c", "d");
        assertThat(uncaught).containsExactly(thrown);
    }

    /** What reaches the current thread's uncaught-exception handler while {@code action} runs (EmbeddedChannel: this thread is the loop). */
    private static List<Throwable> onThisThreadsUncaughtHandler(Runnable action) {
        Thread thread = Thread.currentThread();
        Thread.UncaughtExceptionHandler before = thread.getUncaughtExceptionHandler() == thread.getThreadGroup()
                ? null : thread.getUncaughtExceptionHandler();
        List<Throwable> uncaught = new ArrayList<>();
        thread.setUncaughtExceptionHandler((t, e) -> uncaught.add(e));
        try {
            action.run();
        } finally {
            thread.setUncaughtExceptionHandler(before);
        }
        return uncaught;
    }

    private static NotificationListener completing(List<String> completed, String name) {
        return new NotificationListener() {
            @Override
            public void onNotification(Notification notification) {
            }

            @Override
            public void onComplete(Throwable cause) {
                completed.add(name);
                throw new LinkageError("an application's bug in " + name);
            }
        };
    }
}
