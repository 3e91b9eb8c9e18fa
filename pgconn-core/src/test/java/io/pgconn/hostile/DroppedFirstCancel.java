package io.pgconn.hostile;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted server whose first connection is the session, played by a script, and whose later ones are CancelRequests,
 * each closed as the postmaster closes it once it signalled the backend. PostgreSQL drops a CancelRequest that reaches
 * the backend before it read the statement's next message (docs/query.md §5); this server drops the first one so: the
 * session's script answers the cancel only once the request came again ({@link #awaitSentAgain()}). Shared by the
 * statements' and the COPY exchanges' resend tests ({@code HostileQueryIT}, {@code HostileCopyIT}).
 */
final class DroppedFirstCancel {

    /** The CancelRequests that came, dropped or not. */
    final AtomicInteger cancels = new AtomicInteger();
    private final CountDownLatch sentAgain = new CountDownLatch(1);

    /** Starts the server: {@code session} plays the first connection. */
    ScriptedServer start(ScriptedServer.Script session) {
        AtomicInteger order = new AtomicInteger();
        return ScriptedServer.start(c -> {
            if (order.getAndIncrement() == 0) {
                session.play(c);
            } else {
                c.readStartupPacket();
                if (cancels.incrementAndGet() == 2) {
                    sentAgain.countDown(); // the first one reached the backend too early: dropped
                }
                c.close();
            }
        });
    }

    /** In the session's script: waits for the second CancelRequest, the first having been dropped. */
    void awaitSentAgain() throws InterruptedException {
        if (!sentAgain(10)) {
            throw new AssertionError("the CancelRequest was not sent again");
        }
    }

    /** Whether a second CancelRequest came within {@code seconds}. */
    boolean sentAgain(int seconds) throws InterruptedException {
        return sentAgain.await(seconds, TimeUnit.SECONDS);
    }
}
