package io.pgconn.internal.session;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.local.LocalChannel;
import io.pgconn.internal.query.TextValueCodecs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * REVIEW-18-START L6: the session's state that a caller may own while it starts a statement on its thread — the
 * statement cache, the cancel hold, the type OIDs — asserts who touches it (tests run with assertions on): the loop
 * inside one of the session's doors, or the one caller that owns the session. Any other thread, or the loop outside
 * its doors, fails at once, deterministically, instead of racing the owner. Seen failing before: the statement cache
 * and the cancel hold asserted nothing, and a thread that was not the owner passed the gate's check while some caller
 * owned the session.
 */
class SessionStateAssertionsTest {

    private static final DefaultEventLoopGroup LOOPS = new DefaultEventLoopGroup(1);

    @AfterAll
    static void stopLoops() {
        LOOPS.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    private final PipelinedSession session = new PipelinedSession("db:5432", Map.of(), 8, TextValueCodecs.INSTANCE);
    private final SessionTypeOids typeOids = new SessionTypeOids(List.of("hstore"), new TypeOidEpoch() {
        @Override
        public long current() {
            return 0;
        }

        @Override
        public void advance() {
        }
    }, 0, "\"$user\", public", oids -> { });
    private LocalChannel channel;

    @BeforeEach
    void attach() throws Exception {
        assertThat(SessionStateAssertionsTest.class.desiredAssertionStatus()).as("tests run with -ea").isTrue();
        channel = new LocalChannel();
        LOOPS.register(channel).sync();
        channel.pipeline().addLast(new SessionHandler(session));
        channel.eventLoop().submit(() -> { }).get(10, TimeUnit.SECONDS); // the handler added: the session attached
        assertThat(typeOids.belongsTo(session::mayTouchState)).isTrue();
    }

    @AfterEach
    void close() throws Exception {
        channel.close().await(10, TimeUnit.SECONDS);
    }

    /** What a missed door would do: each touches the caller-ownable state. */
    private List<Executable> touches() {
        return List.of(() -> session.statementCache().dropAll(), () -> session.statementCache().serverDiscardedAll(0),
                session::holdForCancel, () -> typeOids.searchPathChanged("tenant_1"));
    }

    @Test
    void theOwnerMayTouchTheStateAndNoOtherThreadMay() throws Exception {
        assertThat(session.gate().own(0)).isTrue();
        for (Executable touch : touches()) {
            assertThat(onAnotherThread(touch).get(10, TimeUnit.SECONDS)).as("another thread while a caller owns the session")
                    .isInstanceOf(AssertionError.class).hasMessage("the session's state touched outside its doors");
            assertThatCode(touch::execute).as("the owner").doesNotThrowAnyException();
        }
        session.gate().releaseOwned(false, channel.eventLoop());
        for (Executable touch : touches()) {
            assertThat(onAnotherThread(touch).get(10, TimeUnit.SECONDS)).as("after the release: nobody owns the session")
                    .isInstanceOf(AssertionError.class);
        }
    }

    @Test
    void theLoopMayTouchTheStateOnlyInsideTheSessionsDoors() throws Exception {
        for (Executable touch : touches()) {
            CompletableFuture<Throwable> outside = new CompletableFuture<>();
            channel.eventLoop().execute(() -> outside.complete(thrownBy(touch)));
            assertThat(outside.get(10, TimeUnit.SECONDS)).as("a task of the loop's own, not a door")
                    .isInstanceOf(AssertionError.class).hasMessage("the session's state touched outside its doors");

            CompletableFuture<Throwable> inside = new CompletableFuture<>();
            session.execute(() -> inside.complete(thrownBy(touch)));
            assertThat(inside.get(10, TimeUnit.SECONDS)).as("through the session's door").isNull();
        }
    }

    private static CompletableFuture<Throwable> onAnotherThread(Executable touch) {
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread thread = new Thread(() -> thrown.complete(thrownBy(touch)), "not-the-owner");
        thread.start();
        return thrown;
    }

    private static Throwable thrownBy(Executable touch) {
        try {
            touch.execute();
            return null;
        } catch (Throwable e) {
            return e;
        }
    }
}
