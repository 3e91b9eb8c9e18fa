package io.pgconn.internal.protocol;

import io.pgconn.ProtocolVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.internal.protocol.frontend.*;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Exact wire bytes of every frontend message, through the shared encoder in a channel. */
class FrontendMessageEncoderTest {

    private static byte[] encode(FrontendMessage message) {
        EmbeddedChannel channel = new EmbeddedChannel(FrontendMessageEncoder.INSTANCE);
        try {
            channel.writeOutbound(message);
            ByteBuf out = channel.readOutbound();
            try {
                assertThat((Object) channel.readOutbound()).isNull();
                return ByteBufUtil.getBytes(out);
            } finally {
                out.release();
            }
        } finally {
            assertThat(channel.finishAndReleaseAll()).isFalse();
        }
    }

    private static byte[] readBytes(EmbeddedChannel channel) {
        ByteBuf out = channel.readOutbound();
        try {
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void startupMessage30KeepsInsertionOrder() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", "bob");
        params.put("database", "db");
        byte[] expected = Wire.concat(hex("0000001e 00030000"), ascii("user\0bob\0database\0db\0\0"));
        assertThat(encode(new StartupMessage(ProtocolVersion.V3_0, params))).isEqualTo(expected);
    }

    @Test
    void startupMessage32() {
        byte[] expected = Wire.concat(hex("00000012 00030002"), ascii("user\0bob\0\0"));
        assertThat(encode(new StartupMessage(ProtocolVersion.V3_2, Map.of("user", "bob")))).isEqualTo(expected);
    }

    @Test
    void startupMessageUtf8LengthCountsBytes() {
        byte[] wire = encode(new StartupMessage(ProtocolVersion.V3_0, Map.of("application_name", "ü")));
        assertThat(wire).hasSize(4 + 4 + 17 + 3 + 1);
        assertThat(wire[3]).isEqualTo((byte) wire.length);
    }

    @Test
    void sslRequest() {
        assertThat(encode(SslRequest.INSTANCE)).isEqualTo(hex("00000008 04d2162f"));
    }

    @Test
    void cancelRequestWithFourByteKey() {
        assertThat(encode(new CancelRequest(0x01020304, hex("0a0b0c0d"))))
                .isEqualTo(hex("00000010 04d2162e 01020304 0a0b0c0d"));
    }

    @Test
    void cancelRequestWith32ByteKey() {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 0xEE);
        assertThat(encode(new CancelRequest(7, key))).isEqualTo(Wire.concat(hex("0000002c 04d2162e 00000007"), key));
    }

    @Test
    void passwordMessage() {
        assertThat(encode(new PasswordMessage(ascii("secret"))))
                .isEqualTo(Wire.concat(hex("70 0000000b"), ascii("secret\0")));
    }

    @Test
    void saslInitialResponseWithData() {
        assertThat(encode(new SaslInitialResponse("SCRAM-SHA-256", ascii("n,,n=,r=abc"))))
                .isEqualTo(Wire.concat(hex("70 00000021"), ascii("SCRAM-SHA-256\0"), hex("0000000b"), ascii("n,,n=,r=abc")));
    }

    @Test
    void saslInitialResponseWithoutData() {
        assertThat(encode(new SaslInitialResponse("SCRAM-SHA-256", null)))
                .isEqualTo(Wire.concat(hex("70 00000016"), ascii("SCRAM-SHA-256\0"), hex("ffffffff")));
    }

    @Test
    void saslResponse() {
        assertThat(encode(new SaslResponse(ascii("c=biws"))))
                .isEqualTo(Wire.concat(hex("70 0000000a"), ascii("c=biws")));
    }

    @Test
    void query() {
        assertThat(encode(new Query("SELECT 1"))).isEqualTo(Wire.concat(hex("51 0000000d"), ascii("SELECT 1\0")));
    }

    @Test
    void terminate() {
        assertThat(encode(Terminate.INSTANCE)).isEqualTo(hex("58 00000004"));
    }

    @Test
    void sharedEncoderServesSeveralChannelsAndMessagesAppendInOrder() {
        EmbeddedChannel a = new EmbeddedChannel(FrontendMessageEncoder.INSTANCE);
        EmbeddedChannel b = new EmbeddedChannel(FrontendMessageEncoder.INSTANCE);
        try {
            a.writeOutbound(new Query("SELECT 1"), Terminate.INSTANCE);
            b.writeOutbound(Terminate.INSTANCE);
            assertThat(a.outboundMessages()).hasSize(2);
            assertThat(b.outboundMessages()).hasSize(1);
            assertThat(readBytes(a)).isEqualTo(encode(new Query("SELECT 1")));
            assertThat(readBytes(a)).isEqualTo(encode(Terminate.INSTANCE));
            assertThat(readBytes(b)).isEqualTo(encode(Terminate.INSTANCE));
        } finally {
            a.finishAndReleaseAll();
            b.finishAndReleaseAll();
        }
    }
}
