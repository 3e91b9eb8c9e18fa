package io.pgconn.internal.session;

import io.pgconn.internal.protocol.backend.BindComplete;
import io.pgconn.internal.protocol.backend.CommandComplete;
import io.pgconn.internal.protocol.backend.NoData;
import io.pgconn.internal.protocol.backend.ParseComplete;
import io.pgconn.internal.protocol.backend.ReadyForQuery;
import io.pgconn.internal.protocol.frontend.Terminate;
import io.pgconn.internal.query.DefaultPgStatement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * REVIEW-22 R22-4: a statement with a timeout holds the writes until its ReadyForQuery, also after its Sync was
 * written. Last in a pipeline behind a running statement, its ReadyForQuery is owed all the same: a busy close sends
 * its CancelRequest once the statement before it answered, and writes the Terminate only after it answered too —
 * before, the close counted one ReadyForQuery for two positions and wrote the Terminate while the timed statement ran
 * on, uncancelled, after {@code close()} completed.
 */
class TimedStatementCloseTest {

    private static final String TIMED = "SELECT slow_report()";

    private final EmbeddedSession embedded = new EmbeddedSession(10);
    private final PipelinedSession session = embedded.session;
    /** Each CancelRequest sent, in order: completing one is the server closing its cancel connection. */
    private List<CompletableFuture<Void>> cancels;

    @BeforeEach
    void sendCancelsToTheList() {
        embedded.channel.freezeTime();
        cancels = RecordedCancels.of(session).sent();
    }

    @AfterEach
    void releaseWhatIsLeft() {
        embedded.close();
    }

    @Test
    void aTimedStatementLastInThePipelineIsCancelledAndAnsweredBeforeTheTerminate() {
        // the timed statement's first run prepares it: later runs write Bind/Execute/Sync at once
        CompletableFuture<?> first = DefaultPgStatement.of(session, TIMED).timeout(Duration.ofMinutes(5)).collect();
        assertThat(embedded.written()).containsExactly("Parse pgconn_1", "D", "H");
        embedded.channel.writeInbound(ParseComplete.INSTANCE, NoData.INSTANCE);
        assertThat(embedded.written()).containsExactly("B", "E", "S");
        embedded.channel.writeInbound(BindComplete.INSTANCE, new CommandComplete("SELECT 1"), new ReadyForQuery('I'));
        assertThat(first).isDone();

        DefaultPgStatement.query(session, "SELECT pg_sleep(5)");
        assertThat(embedded.written()).containsExactly("Parse pgconn_2", "D", "H");
        DefaultPgStatement.of(session, TIMED).timeout(Duration.ofMinutes(5)).collect();
        embedded.channel.writeInbound(ParseComplete.INSTANCE, NoData.INSTANCE); // the sleep described; it runs now
        assertThat(embedded.written()).as("the sleep's Bind phase, then the timed statement's, each with its Sync")
                .containsExactly("B", "E", "S", "B", "E", "S");

        session.inSession(() -> {
            session.whyEnded().closing("closed");
            session.whyEnded().beginClose();
            session.closeBusy();
        });
        embedded.channel.runPendingTasks();
        assertThat(cancels).as("the sleep's CancelRequest").hasSize(1);

        cancels.get(0).complete(null);
        embedded.channel.writeInbound(new ReadyForQuery('I')); // the sleep answered
        assertThat(cancels).as("the timed statement's CancelRequest").hasSize(2);
        embedded.channel.runPendingTasks();
        assertThat(embedded.channel.outboundMessages()).as("no Terminate while the timed statement runs").isEmpty();

        cancels.get(1).complete(null);
        embedded.channel.writeInbound(new ReadyForQuery('I')); // the timed statement answered
        embedded.channel.runPendingTasks();
        assertThat(embedded.channel.outboundMessages()).singleElement().isInstanceOf(Terminate.class);
    }
}
