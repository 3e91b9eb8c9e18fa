package io.pgconn.hostile;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an HTTP server takes for its own client going away (new user 11 F1): Spring MVC's
 * {@code DisconnectedClientHelper} answers nothing — status 200, logged at DEBUG — when an exception of the cause
 * chain is named {@code EOFException}, {@code ClientAbortException}, ... or the most specific cause's message holds
 * "broken pipe" or "connection reset by peer". pgconn's failures must say neither, anywhere in their cause chain
 * (the socket's own exception is kept as suppressed).
 */
final class ClientGoneWords {

    private ClientGoneWords() {
    }

    static void assertNoneIn(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            assertThat(t.getClass().getSimpleName()).as("a name Spring reads as its client going away, in " + t)
                    .isNotIn("AbortedException", "ClientAbortException", "EOFException", "EofException");
            assertThat(String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT)).as("the message of " + t.getClass().getName())
                    .doesNotContain("connection reset by peer").doesNotContain("broken pipe");
        }
    }
}
