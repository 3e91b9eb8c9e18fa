package io.pgconn.internal.session;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The slow-owner log line (REVIEW-18-START M3, docs/query.md §1): an owner that has not given its session back
 * {@link SessionGate#SLOW_OWNER_MILLIS} after one of the loop's doors deferred its work is logged at WARNING, naming the
 * session's host, once per connection; an owner that gives it back in time is not logged. The log is captured as the
 * project's tests capture it: a {@code java.util.logging} handler on the class's logger ({@code System.Logger} goes
 * there).
 */
class SessionGateSlowOwnerTest {

    private static final EventLoop LOOP = new DefaultEventLoop();

    @AfterAll
    static void stopLoop() {
        LOOP.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    private final SessionGate gate = new SessionGate("db.example:5432");
    private final LinkedBlockingQueue<LogRecord> logged = new LinkedBlockingQueue<>();
    private final Logger logger = Logger.getLogger(SessionGate.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureTheLog() {
        logger.addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        logger.removeHandler(capture);
    }

    @Test
    void anOwnerHoldingTheSessionPastTheBoundIsLoggedOncePerConnection() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        assertThat(gate.own(0)).isTrue();
        deferOnTheLoop(() -> ran.add("first"));

        LogRecord record = logged.poll(10, TimeUnit.SECONDS); // arrives SLOW_OWNER_MILLIS after the deferral
        assertThat(record).as("logged while the owner still holds the session").isNotNull();
        assertThat(record.getLevel()).isEqualTo(Level.WARNING);
        assertThat(record.getMessage()).contains("the session to db.example:5432 has been owned by a caller", "over "
                + SessionGate.SLOW_OWNER_MILLIS + " ms", "logged once per connection");
        assertThat(ran).as("its work still waits for the owner").isEmpty();

        gate.releaseOwned(true, LOOP);
        assertThat(LOOP.submit(() -> List.copyOf(ran)).get(10, TimeUnit.SECONDS)).containsExactly("first");
        LOOP.submit(gate::quiet).get(10, TimeUnit.SECONDS); // the loop answered what the owner sent: idle again

        assertThat(gate.own(0)).isTrue();
        deferOnTheLoop(() -> ran.add("second"));
        waitOnTheLoopPast(2 * SessionGate.SLOW_OWNER_MILLIS); // a second log line would have come before this
        assertThat(logged).as("once per connection").isEmpty();
        gate.releaseOwned(false, LOOP);
        assertThat(LOOP.submit(() -> List.copyOf(ran)).get(10, TimeUnit.SECONDS)).containsExactly("first", "second");
    }

    @Test
    void anOwnerThatGivesTheSessionBackInTimeIsNotLogged() throws Exception {
        assertThat(gate.own(0)).isTrue();
        deferOnTheLoop(() -> { });
        gate.releaseOwned(false, LOOP);
        waitOnTheLoopPast(2 * SessionGate.SLOW_OWNER_MILLIS); // the check scheduled at the deferral has run by then
        assertThat(logged).isEmpty();
    }

    private void deferOnTheLoop(Runnable work) throws Exception {
        assertThat(LOOP.submit(() -> gate.enterOrDefer(work, LOOP)).get(10, TimeUnit.SECONDS)).as("deferred").isFalse();
    }

    /** Returns once a task the loop scheduled {@code millis} from now has run: every check it scheduled before has run. */
    private static void waitOnTheLoopPast(long millis) throws Exception {
        LOOP.schedule(() -> { }, millis, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
    }
}
