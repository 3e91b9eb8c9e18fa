package io.pgconn.internal.startup;

import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.PgConnectException;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.config.HostSpec;
import io.pgconn.internal.auth.SaltedPasswordCache;
import io.pgconn.internal.protocol.BackendMessageDecoder;
import io.pgconn.internal.protocol.FrontendMessageEncoder;
import io.pgconn.testing.FailingWrites;
import io.pgconn.trace.PgTracer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StartupHandshakeTest {

    /**
     * A socket that fails the StartupMessage's write (the server reset the connection meanwhile): said in pgconn's
     * words, as a socket error read during startup is (lifecycle.md §1.3), the socket's exception suppressed, not the
     * cause — the system's "Connection reset by peer" as the most specific cause is what Spring MVC reads as its own
     * HTTP client going away.
     */
    @ParameterizedTest
    @ValueSource(strings = {"Connection reset by peer", "Broken pipe"})
    void aSocketThatFailsTheStartupMessagesWriteIsSaidInWords(String systemWords) {
        ConnConfig config = ConnConfig.parse("host=db user=alice dbname=app", EnvironmentSource.of(Map.of()));
        HostSpec host = HostSpec.of("db", 5432);
        BackendMessageDecoder decoder = new BackendMessageDecoder(host.label(), config.maxMessageSize(), config.preAuthMaxMessageSize());
        StartupHandshake handshake = Startup.handshake(config, host, null, decoder, new SaltedPasswordCache(), PgTracer.noop());
        EmbeddedChannel channel = new EmbeddedChannel(new FailingWrites(systemWords), decoder, FrontendMessageEncoder.INSTANCE);
        try {
            channel.pipeline().addLast(handshake);
            assertThatThrownBy(() -> handshake.result().join()).cause().isExactlyInstanceOf(PgConnectException.class).hasNoCause()
                    .hasMessageContaining("could not send StartupMessage to db:5432: ")
                    .hasMessageContaining(systemWords.startsWith("Broken") ? "the server closed the connection (EPIPE)"
                            : "the server reset the connection (ECONNRESET)")
                    .hasMessageNotContainingAny("reset by peer", "Broken pipe")
                    .satisfies(e -> assertThat(e.getSuppressed()).singleElement().isInstanceOf(IOException.class));
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
