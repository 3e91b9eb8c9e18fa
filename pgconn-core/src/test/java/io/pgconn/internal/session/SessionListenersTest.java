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

    private final SessionHandler session = new SessionHandler("db:5432", Map.of(), 0, io.pgconn.internal.query.TextValueCodecs.INSTANCE);
    private final EmbeddedChannel channel = new EmbeddedChannel(session);

    @Test
    void aListenerThatThrowsAnErrorLeavesTheSessionOpenAndHearsTheNextNotification() {
        List<String> heard = new ArrayList<>();
        session.addListener("a", notification -> {
            heard.add(notification.payload());
            if (heard.size() == 1) {
                throw new AssertionError("an application's bug");
            }
        });
        session.noticeListener(notice -> {
            throw new NoClassDefFoundError("com/example/Missing");
        });

        channel.writeInbound(new NotificationResponse(42, "a", "first"));
        channel.writeInbound(new NoticeResponse(new ServerErrorFields(Map.of('S', "WARNING", 'C', "01000", 'M', "w"))));
        channel.writeInbound(new NotificationResponse(42, "a", "second"));

        assertThat(channel.isActive()).as("the session is still open").isTrue();
        assertThat(heard).containsExactly("first", "second");
        assertThat(session.closeCause()).isNull();
    }

    @Test
    void aListenerWhoseCompletionThrowsDoesNotKeepTheOthersFromHearingTheClose() {
        List<String> completed = new ArrayList<>();
        session.addListener("a", completing(completed, "a"));
        session.addListener("b", completing(completed, "b"));
        session.stopListening(null);
        assertThat(completed).containsExactlyInAnyOrder("a", "b");
    }

    /** The guard lets a VirtualMachineError through: the pipeline gets it, and the session ends with it as the cause. */
    @Test
    void aVirtualMachineErrorIsNotCaughtByTheGuard() {
        session.addListener("a", notification -> {
            throw new StackOverflowError();
        });
        channel.writeInbound(new NotificationResponse(42, "a", "x"));
        assertThat(channel.isActive()).isFalse();
        assertThat(session.closeCause()).hasCauseInstanceOf(StackOverflowError.class);
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
