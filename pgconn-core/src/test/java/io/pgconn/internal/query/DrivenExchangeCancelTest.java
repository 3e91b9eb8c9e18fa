package io.pgconn.internal.query;

import io.pgconn.PgException;
import io.pgconn.internal.protocol.backend.BackendMessage;
import io.pgconn.internal.protocol.frontend.FrontendMessage;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which cancel may wait for the statement's own end ({@link DeferredCancel}): only the subscriber's cancel of a
 * statement whose result was arriving, for the CancelRequest that cancel sends (REVIEW-18 L9: the flag was never reset,
 * so a CancelRequest sent later for the same exchange — at its turn as the head — was deferred too).
 */
class DrivenExchangeCancelTest {

    /** What the exchange asked of its session, by method name. */
    private final List<String> asked = new ArrayList<>();
    private boolean head;

    private final QuerySession session = (QuerySession) Proxy.newProxyInstance(QuerySession.class.getClassLoader(),
            new Class<?>[] {QuerySession.class}, (proxy, method, args) -> {
                asked.add(method.getName());
                return switch (method.getName()) {
                    case "isHead" -> head;
                    case "isLastWritten" -> true;
                    case "schedule" -> null; // the deferred CancelRequest's timer: never run nor cancelled here
                    case "readProgress", "cancelRequestsSent" -> 0L;
                    default -> null;
                };
            });

    @Test
    void aSubscribersCancelWhileTheResultArrivesWaitsForTheStatementsEnd() {
        head = true;
        Cancellable exchange = new Cancellable(session);

        assertThat(exchange.abortForSubscriber(true)).isTrue();

        assertThat(asked).contains("holdForCancel").doesNotContain("requestCancel");
    }

    /**
     * Cancelled by its subscriber before it was the head, its CancelRequest is due when it becomes the head: sent at
     * once there, as after any cancel of a statement queued behind another — the wait is only for a result that was
     * arriving when its subscriber cancelled. Seen failing before: deferred (a hold and a timer, no CancelRequest).
     */
    @Test
    void aCancelRequestDueLaterAtTheHeadIsSentAtOnce() {
        head = false;
        Cancellable exchange = new Cancellable(session);
        exchange.abortForSubscriber(true);
        assertThat(asked).doesNotContain("requestCancel", "holdForCancel");

        head = true;
        exchange.becameHead();

        assertThat(asked).contains("requestCancel").doesNotContain("holdForCancel");
    }

    /** A written exchange whose abort asks the server to stop now or at its turn, and whose subscriber's cancel may wait. */
    private static final class Cancellable extends DrivenExchange {

        Cancellable(QuerySession session) {
            this.session = session;
        }

        @Override
        boolean abort() {
            if (done || aborted) {
                return true;
            }
            aborted = true;
            return cancelNowOrAtHead();
        }

        @Override
        boolean cancelMayWait(boolean resultArriving) {
            return resultArriving;
        }

        @Override
        public FrontendMessage messages(QuerySession session) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void onMessage(BackendMessage message) {
        }

        @Override
        public void onReady(char status) {
            done = true;
        }

        @Override
        public void fail(PgException error) {
            done = true;
        }
    }
}
