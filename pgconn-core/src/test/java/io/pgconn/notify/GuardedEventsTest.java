package io.pgconn.notify;

import io.pgconn.PgClosedException;
import io.pgconn.PgConnection;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** Review F12: whatever an application's callback throws stays in the callback. */
class GuardedEventsTest {

    @Test
    void everyCallbackThatThrowsIsContainedAndTheNextOnesStillRun() {
        List<String> called = new ArrayList<>();
        SubscriptionEvents throwing = new SubscriptionEvents() {
            @Override
            public void connected(PgConnection connection) {
                called.add("connected");
                throw new IllegalStateException("bug");
            }

            @Override
            public void reconnecting(int attempt, Throwable cause) {
                called.add("reconnecting " + attempt);
                throw new AssertionError("bug");
            }

            @Override
            public void reconnected(PgConnection connection, int attempts) {
                called.add("reconnected");
                throw new IllegalArgumentException("bug");
            }

            @Override
            public void gaveUp(Throwable cause) {
                called.add("gaveUp");
                throw new UnsupportedOperationException("bug");
            }

            @Override
            public void closed() {
                called.add("closed");
                throw new NullPointerException("bug");
            }
        };
        GuardedEvents guarded = new GuardedEvents(throwing);
        PgClosedException lost = new PgClosedException("127.0.0.1:5432", "lost");
        assertThatCode(() -> {
            guarded.connected(null);
            guarded.reconnecting(1, lost);
            guarded.reconnecting(2, lost);
            guarded.reconnected(null, 2);
            guarded.gaveUp(lost);
            new GuardedEvents(throwing).closed(); // the other end: one per subscriber, told last (nothing after gaveUp)
        }).doesNotThrowAnyException();
        assertThat(called).containsExactly("connected", "reconnecting 1", "reconnecting 2", "reconnected", "gaveUp", "closed");
    }
}
