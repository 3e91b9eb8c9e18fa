package io.pgconn.internal.connect;

import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.AuthMethod;
import io.pgconn.PgConnectException;
import io.pgconn.ProtocolVersion;
import io.pgconn.config.HostSpec;
import io.pgconn.internal.session.SessionFacts;
import io.pgconn.testing.FailingWrites;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CancelRequesterTest {

    /**
     * A socket that fails the CancelRequest's write: {@code cancel()} fails in pgconn's words, naming the host, the
     * socket's exception suppressed, not the cause (lifecycle.md §4) — "Broken pipe" as the most specific cause is
     * what Spring MVC reads as its own HTTP client going away, and a cancel is sent from a request's thread.
     */
    @ParameterizedTest
    @ValueSource(strings = {"Connection reset by peer", "Broken pipe"})
    void aSocketThatFailsTheRequestsWriteIsSaidInWords(String systemWords) {
        EmbeddedChannel channel = new EmbeddedChannel(new FailingWrites(systemWords));
        SessionFacts facts = new SessionFacts(HostSpec.of("db", 5432), null, null, 42, new byte[4], ProtocolVersion.V3_0, AuthMethod.NONE);
        try {
            CompletableFuture<Void> sent = CancelRequester.send(facts, channel);
            assertThatThrownBy(sent::join).cause().isExactlyInstanceOf(PgConnectException.class).hasNoCause()
                    .hasMessageContaining("could not send the cancel request to db:5432: ")
                    .hasMessageContaining(systemWords.startsWith("Broken") ? "the server closed the connection (EPIPE)"
                            : "the server reset the connection (ECONNRESET)")
                    .hasMessageNotContainingAny("reset by peer", "Broken pipe")
                    .satisfies(e -> assertThat(e.getSuppressed()).singleElement().isInstanceOf(IOException.class));
            assertThat(channel.isOpen()).as("the cancel's socket is closed").isFalse();
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
