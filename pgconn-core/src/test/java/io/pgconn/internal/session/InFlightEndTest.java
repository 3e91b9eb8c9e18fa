package io.pgconn.internal.session;

import io.pgconn.PgClosedException;
import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import io.pgconn.internal.query.Exchange;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code transactionStatusAfterInFlight()} fails with when the session ended (NEW-USER-33 F2): before, the bare
 * "connection to h:5432 closed: ..." — no word of whether what the caller sends next (a COMMIT) ran; now, as every
 * request submitted after the end, that it was not sent.
 */
class InFlightEndTest {

    private static final String HOST = "h:5432";

    @Test
    void aSessionEndedBeforeItTookItsPlaceSaysNothingMoreWasSent() {
        CloseCause cause = new CloseCause(HOST, false);
        InFlightEnd end = new InFlightEnd();

        end.fail(cause.closedError());

        assertThat(failure(end.status)).isExactlyInstanceOf(PgClosedException.class)
                .hasMessage("connection to h:5432 closed; the statement was not sent, so it did not run");
    }

    /** In the FIFO at the end: LostExchanges tells a place that runs no statement the end as it is; it adds the note. */
    @Test
    void aSessionEndedWhileItWaitedInTheFifoSaysNothingMoreWasSent() {
        CloseCause cause = new CloseCause(HOST, false);
        cause.failed(new java.io.IOException("Connection reset by peer"));
        InFlightEnd end = new InFlightEnd();
        PgException[] told = LostExchanges.tell(cause.closedError(), new Exchange[] {end}, 'T', batch -> true);

        end.fail(told[0]);

        assertThat(failure(end.status)).isExactlyInstanceOf(PgClosedException.class)
                .hasMessageStartingWith("connection to h:5432 closed: ")
                .hasMessageEndingWith("; the statement was not sent, so it did not run");
    }

    /** A protocol violation is everyone's as it is (LostExchanges): no note. */
    @Test
    void aProtocolViolationIsToldAsItIs() {
        PgProtocolException violation = new PgProtocolException(HOST, "server h:5432 sent garbage");
        InFlightEnd end = new InFlightEnd();

        end.fail(violation);

        assertThat(failure(end.status)).isSameAs(violation);
    }

    private static Throwable failure(CompletableFuture<?> future) {
        assertThat(future).isCompletedExceptionally();
        try {
            future.getNow(null);
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("not failed: " + future);
    }
}
