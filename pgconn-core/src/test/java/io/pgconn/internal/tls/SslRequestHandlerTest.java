package io.pgconn.internal.tls;

import io.pgconn.config.SslMode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.pgconn.PgProtocolException;
import io.pgconn.PgTlsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import io.pgconn.PgConnectException;
import io.pgconn.testing.FailingWrites;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

class SslRequestHandlerTest {

    private static final TlsSettings REQUIRE = TlsSettingsTest.settings(SslMode.REQUIRE, null, null, null, null);

    private final CompletableFuture<TlsOutcome> result = new CompletableFuture<>();
    private final AtomicInteger tlsStarts = new AtomicInteger();
    private EmbeddedChannel channel;

    @BeforeEach
    void open() {
        channel = new EmbeddedChannel();
        channel.pipeline().addLast(new SslRequestHandler("db:5432", result, ch -> tlsStarts.incrementAndGet()));
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private Throwable failure() {
        assertThat(result).isCompletedExceptionally();
        try {
            result.join();
            throw new AssertionError("not failed");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    /** Feeds bytes and checks that the handler released them. */
    private void serverSends(byte... bytes) {
        ByteBuf in = Unpooled.buffer().writeBytes(bytes);
        channel.writeInbound(in);
        assertThat(in.refCnt()).isZero();
    }

    private void assertRemoved() {
        assertThat(channel.pipeline().get(SslRequestHandler.class)).isNull();
    }

    @Test
    void writesTheEightByteSslRequest() {
        ByteBuf request = channel.readOutbound();
        try {
            assertThat(ByteBufUtil.hexDump(request)).isEqualTo("0000000804d2162f");
        } finally {
            request.release();
        }
        assertThat(result).isNotDone();
    }

    @Test
    void channelActiveAfterJoiningAnActiveChannelDoesNotSendASecondRequest() {
        // a connect promise's listeners add the handler before channelActive fires; a second
        // SSLRequest would be read by the server as the start of the TLS ClientHello
        channel.pipeline().fireChannelActive();
        ByteBuf request = channel.readOutbound();
        request.release();
        Object second = channel.readOutbound();
        assertThat(second).isNull();
    }

    @Test
    void refusalCompletesWithRefused() {
        serverSends(); // an empty read changes nothing
        assertThat(result).isNotDone();
        serverSends((byte) 'N');
        assertThat(result.join()).isInstanceOf(TlsOutcome.Refused.class);
        assertRemoved();
    }

    @Test
    void dataAfterRefusalIsAProtocolError() {
        serverSends((byte) 'N', (byte) 'R');
        assertThat(failure()).isInstanceOf(PgProtocolException.class).hasMessageContaining("after the SSL refusal");
        assertRemoved();
    }

    @Test
    void errorAnswerFailsWithoutShowingTheServersText() {
        byte[] error = "ESFATAL\0C28000\0Mplease send your password to evil.example\0\0".getBytes(StandardCharsets.US_ASCII);
        serverSends(error);
        assertThat(failure()).isInstanceOf(PgTlsException.class)
                .hasMessageContaining("does not support SSL negotiation and answered with an error")
                .hasMessageNotContaining("evil.example")
                .hasMessageContaining("db:5432");
        assertRemoved();
    }

    @Test
    void unknownByteIsAProtocolErrorNamingByteAndHost() {
        serverSends((byte) 0xC3);
        assertThat(failure()).isInstanceOf(PgProtocolException.class)
                .hasMessageContaining("0xc3").hasMessageContaining("db:5432");
        assertRemoved();
    }

    @Test
    void acceptanceStartsTlsAndLeaves() {
        serverSends((byte) 'S');
        assertThat(tlsStarts).hasValue(1);
        assertThat(result).isNotDone(); // the handshake completes it
        assertRemoved();
    }

    @Test
    void unencryptedDataAfterAcceptanceIsRefused() {
        serverSends(new byte[] {'S', 'R', 0, 0, 0, 8, 0, 0, 0, 0});
        assertThat(tlsStarts).hasValue(0);
        assertThat(failure()).isInstanceOf(PgTlsException.class)
                .hasMessageContaining("received unencrypted data after SSL response");
        assertRemoved();
    }

    @Test
    void closeBeforeTheAnswerFails() {
        channel.close();
        assertThat(failure()).isInstanceOf(io.pgconn.PgConnectException.class)
                .hasMessageContaining("closed the connection unexpectedly before answering SSLRequest")
                .hasMessageContaining("db:5432");
    }

    @Test
    void errorBeforeTheAnswerFails() {
        java.io.IOException reset = new java.io.IOException("Connection reset by peer");
        channel.pipeline().fireExceptionCaught(reset);
        // in words no HTTP server takes for its own client going away (lifecycle.md §1.3), the socket's exception suppressed
        assertThat(failure()).isInstanceOf(io.pgconn.PgConnectException.class).hasNoCause()
                .hasMessageContaining("the server reset the connection (ECONNRESET)").hasMessageNotContaining("reset by peer");
        assertThat(failure().getSuppressed()).containsExactly(reset);
        assertRemoved();
    }

    @Test
    void acceptancePutsTheSslHandlerAtThePipelineHead() {
        SslContext context = new SslContextFactory().create(REQUIRE, "db:5432");
        EmbeddedChannel tls = new EmbeddedChannel();
        CompletableFuture<TlsOutcome> outcome = new CompletableFuture<>();
        try {
            tls.pipeline().addLast(new SslRequestHandler("db:5432", outcome,
                    ch -> TlsHandshakeHandler.install(ch, context, REQUIRE, null, "db.example.com", 5432, "db:5432", outcome)));
            ByteBuf request = tls.readOutbound();
            request.release();
            tls.writeInbound(Unpooled.wrappedBuffer(new byte[] {'S'}));
            assertThat(tls.pipeline().first()).isInstanceOf(SslHandler.class);
            assertThat(tls.pipeline().names()).startsWith(TlsNegotiator.SSL_HANDLER_NAME, TlsHandshakeHandler.NAME);
            assertThat(tls.pipeline().get(SslRequestHandler.class)).isNull();
            ByteBuf clientHello = tls.readOutbound();
            assertThat(clientHello.getByte(0)).isEqualTo((byte) 0x16); // TLS handshake record
            clientHello.release();
            assertThat(outcome).isNotDone();
            tls.close();
            assertThat(outcome).isCompletedExceptionally();
            assertThatThrownBy(outcome::join).cause().isInstanceOf(io.pgconn.PgConnectException.class)
                    .isNotInstanceOf(PgTlsException.class)
                    .hasMessageContaining("server closed the connection unexpectedly during the TLS handshake")
                    // no transport class in the message (LIBPQ-14 m06: "… (io.netty.channel.StacklessClosedChannelException)")
                    .hasMessageEndingWith("during the TLS handshake").hasMessageNotContaining("Exception");
        } finally {
            tls.finishAndReleaseAll();
        }
    }

    /**
     * A socket that fails the SSLRequest's write (the server reset the connection meanwhile) is the server going away,
     * as a reset while waiting for the answer is: a {@link PgConnectException} in pgconn's words, the socket's exception
     * suppressed, not the cause (lifecycle.md §1.3) — it was a {@link PgTlsException} caused by "Connection reset by
     * peer", the words Spring MVC reads as its own HTTP client going away, and a TLS failure stops a multi-host walk.
     */
    @ParameterizedTest
    @ValueSource(strings = {"Connection reset by peer", "Broken pipe"})
    void aSocketThatFailsTheRequestsWriteIsTheServerGoingAwaySaidInWords(String systemWords) {
        EmbeddedChannel failing = new EmbeddedChannel(new FailingWrites(systemWords));
        CompletableFuture<TlsOutcome> outcome = new CompletableFuture<>();
        try {
            failing.pipeline().addLast(new SslRequestHandler("db:5432", outcome, ch -> tlsStarts.incrementAndGet()));
            assertThatThrownBy(outcome::join).cause().isExactlyInstanceOf(PgConnectException.class).hasNoCause()
                    .hasMessageContaining("could not send SSLRequest to db:5432: ")
                    .hasMessageContaining(systemWords.startsWith("Broken") ? "the server closed the connection (EPIPE)"
                            : "the server reset the connection (ECONNRESET)")
                    .hasMessageNotContainingAny("reset by peer", "Broken pipe")
                    .satisfies(e -> assertThat(e.getSuppressed()).singleElement().isInstanceOf(java.io.IOException.class));
            assertThat(failing.pipeline().get(SslRequestHandler.class)).isNull();
            assertThat(tlsStarts).hasValue(0);
        } finally {
            failing.finishAndReleaseAll();
        }
    }
}
