package io.pgconn.internal.startup;

import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.PgConnectException;
import io.pgconn.PgProtocolException;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.config.HostSpec;
import io.pgconn.internal.auth.SaltedPasswordCache;
import io.pgconn.internal.protocol.BackendMessageDecoder;
import io.pgconn.internal.protocol.FrontendMessageEncoder;
import io.pgconn.internal.session.ServerParameterSets;
import io.pgconn.testing.FailingWrites;
import io.pgconn.trace.PgTracer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

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
        StartupHandshake handshake = Startup.handshake(config, host, null, decoder, new SaltedPasswordCache(), PgTracer.noop(),
                Startup.startupMessage(config), new ServerParameterSets(), PasswordLookup.given(null));
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

    /**
     * Two sessions of one factory told the same ParameterStatus values at startup hold one map of them, names and
     * values included (ServerParameterSets): each kept a ConcurrentHashMap and ~30 strings of its own, ≈ 2.2 KB per
     * idle connection (pgconn-benchmarks/results/2026-12-06-session18-heap.md). A third, told another
     * value, holds its own.
     */
    @Test
    void sessionsToldTheSameParametersAtStartupShareThem() {
        ServerParameterSets sets = new ServerParameterSets();
        Map<String, String> told = new LinkedHashMap<>();
        told.put("server_version", "18.0");
        told.put("TimeZone", "Etc/UTC");
        told.put("client_encoding", "UTF8");
        Map<String, String> first = startup(sets, told);
        Map<String, String> second = startup(sets, told);
        assertThat(first).isEqualTo(told);
        assertThat(second).isEqualTo(told);
        assertThat(second.get("server_version")).isSameAs(first.get("server_version"));
        assertThat(second.keySet().iterator().next()).isSameAs(first.keySet().iterator().next());

        told.put("TimeZone", "Europe/Paris");
        Map<String, String> third = startup(sets, told);
        assertThat(third).isEqualTo(told);
        assertThat(first).containsEntry("TimeZone", "Etc/UTC");
        assertThat(third.get("TimeZone")).isNotSameAs(first.get("TimeZone"));
    }

    /** A trust startup that hears {@code told} as ParameterStatus messages; the session's parameters. */
    private static Map<String, String> startup(ServerParameterSets sets, Map<String, String> told) {
        ConnConfig config = ConnConfig.parse("host=db user=alice dbname=app", EnvironmentSource.of(Map.of()));
        HostSpec host = HostSpec.of("db", 5432);
        BackendMessageDecoder decoder = new BackendMessageDecoder(host.label(), config.maxMessageSize(), config.preAuthMaxMessageSize());
        StartupHandshake handshake = Startup.handshake(config, host, null, decoder, new SaltedPasswordCache(), PgTracer.noop(),
                Startup.startupMessage(config), sets, PasswordLookup.given(null));
        EmbeddedChannel channel = new EmbeddedChannel(decoder, FrontendMessageEncoder.INSTANCE);
        try {
            channel.pipeline().addLast(handshake);
            ByteBuf in = Unpooled.buffer();
            message(in, 'R', Unpooled.buffer().writeInt(0)); // AuthenticationOk
            told.forEach((name, value) -> {
                ByteBuf body = Unpooled.buffer();
                body.writeBytes(name.getBytes(StandardCharsets.UTF_8)).writeByte(0);
                body.writeBytes(value.getBytes(StandardCharsets.UTF_8)).writeByte(0);
                message(in, 'S', body);
            });
            message(in, 'K', Unpooled.buffer().writeInt(42).writeInt(7)); // BackendKeyData
            message(in, 'Z', Unpooled.buffer().writeByte('I'));
            channel.writeInbound(in);
            return handshake.result().join().parameters();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /**
     * A password request whose password is not known yet (a {@code .pgpass} line, read off the loop): nothing is sent
     * until the password is in hand, then the answer goes from the channel's loop; a trust login never asks for it.
     */
    @Test
    void aPasswordRequestIsAnsweredOnceThePasswordIsReadAndATrustLoginNeverAsks() {
        AtomicInteger asked = new AtomicInteger();
        CompletableFuture<String> password = new CompletableFuture<>();
        Started trustLogin = handshakeChannel(() -> {
            asked.incrementAndGet();
            return password;
        });
        EmbeddedChannel trust = trustLogin.channel();
        try {
            ByteBuf in = Unpooled.buffer();
            message(in, 'R', Unpooled.buffer().writeInt(0)); // AuthenticationOk: a trust login
            message(in, 'Z', Unpooled.buffer().writeByte('I'));
            trust.writeInbound(in);
            assertThat(trustLogin.handshake().result()).isCompleted();
            assertThat(asked).as("a trust login asks for no password").hasValue(0);
        } finally {
            trust.finishAndReleaseAll();
        }

        Started passwordLogin = handshakeChannel(() -> {
            asked.incrementAndGet();
            return password;
        });
        EmbeddedChannel channel = passwordLogin.channel();
        try {
            StartupHandshake handshake = passwordLogin.handshake();
            channel.writeInbound(message('R', Unpooled.buffer().writeInt(3))); // AuthenticationCleartextPassword
            assertThat(asked).hasValue(1);
            assertThat((Object) channel.readOutbound()).as("no answer before the password is read").isNull();

            password.complete("from-the-passfile");
            channel.runPendingTasks(); // the answer goes from the channel's loop
            ByteBuf answer = channel.readOutbound();
            try {
                assertThat(answer.readByte()).isEqualTo((byte) 'p');
                answer.skipBytes(4);
                assertThat(answer.toString(StandardCharsets.UTF_8)).isEqualTo("from-the-passfile\0");
            } finally {
                answer.release();
            }
            channel.writeInbound(message('R', Unpooled.buffer().writeInt(0)));
            channel.writeInbound(message('Z', Unpooled.buffer().writeByte('I')));
            assertThat(handshake.result()).isCompleted();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /**
     * While the password is read, the server has nothing to say: another message than an error or a notice breaks the
     * protocol, and the password read after the handshake failed is dropped (nothing is written on the closed channel).
     */
    @Test
    void aServerThatSpeaksWhileThePasswordIsReadBreaksTheProtocolAndTheLatePasswordIsDropped() {
        CompletableFuture<String> password = new CompletableFuture<>();
        Started started = handshakeChannel(() -> password);
        EmbeddedChannel channel = started.channel();
        try {
            StartupHandshake handshake = started.handshake();
            channel.writeInbound(message('R', Unpooled.buffer().writeInt(3)));
            channel.writeInbound(message('Z', Unpooled.buffer().writeByte('I')));
            channel.runPendingTasks();
            assertThat(handshake.result()).isCompletedExceptionally();
            assertThatThrownBy(() -> handshake.result().getNow(null)).cause().isInstanceOf(PgProtocolException.class)
                    .hasMessage("server db:5432 sent ReadyForQuery before the client answered its password request");

            password.complete("late");
            channel.runPendingTasks();
            assertThat((Object) channel.readOutbound()).isNull();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** A channel whose handshake (user alice, no password given) has sent its StartupMessage; the message is dropped. */
    private static Started handshakeChannel(PasswordLookup passwords) {
        ConnConfig config = ConnConfig.parse("host=db user=alice dbname=app", EnvironmentSource.of(Map.of()));
        HostSpec host = HostSpec.of("db", 5432);
        BackendMessageDecoder decoder = new BackendMessageDecoder(host.label(), config.maxMessageSize(), config.preAuthMaxMessageSize());
        StartupHandshake handshake = Startup.handshake(config, host, null, decoder, new SaltedPasswordCache(), PgTracer.noop(),
                Startup.startupMessage(config), new ServerParameterSets(), passwords);
        EmbeddedChannel channel = new EmbeddedChannel(decoder, FrontendMessageEncoder.INSTANCE);
        channel.pipeline().addLast("startup", handshake);
        ByteBuf startup = channel.readOutbound();
        startup.release();
        return new Started(channel, handshake);
    }

    /** A handshake on its channel. */
    private record Started(EmbeddedChannel channel, StartupHandshake handshake) {
    }

    private static ByteBuf message(char type, ByteBuf body) {
        ByteBuf out = Unpooled.buffer();
        message(out, type, body);
        return out;
    }

    private static void message(ByteBuf out, char type, ByteBuf body) {
        out.writeByte(type).writeInt(4 + body.readableBytes()).writeBytes(body);
        body.release();
    }
}
