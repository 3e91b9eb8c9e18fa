package io.pgconn.internal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.PgConfigException;
import io.pgconn.internal.protocol.frontend.Bind;
import io.pgconn.internal.protocol.frontend.BindNames;
import io.pgconn.internal.protocol.frontend.Close;
import io.pgconn.internal.protocol.frontend.Describe;
import io.pgconn.internal.protocol.frontend.Execute;
import io.pgconn.internal.protocol.frontend.Flush;
import io.pgconn.internal.protocol.frontend.FrontendMessage;
import io.pgconn.internal.protocol.frontend.MessageSequence;
import io.pgconn.internal.protocol.frontend.Parse;
import io.pgconn.internal.protocol.frontend.Sync;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Exact wire bytes of the extended query protocol's frontend messages; Bind never shows its values. */
class ExtendedQueryMessagesTest {

    private static byte[] encode(FrontendMessage message) {
        EmbeddedChannel channel = new EmbeddedChannel(FrontendMessageEncoder.INSTANCE);
        try {
            channel.writeOutbound(message);
            ByteBuf out = channel.readOutbound();
            try {
                return ByteBufUtil.getBytes(out);
            } finally {
                out.release();
            }
        } finally {
            assertThat(channel.finishAndReleaseAll()).isFalse();
        }
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void parseNamesTheStatementTheSqlAndTheParameterTypes() {
        byte[] expected = Wire.concat(hex("50 0000001b"), ascii("s1\0SELECT $1\0"), hex("0002 00000017 00000000"));
        assertThat(encode(new Parse("s1", "SELECT $1", new int[]{23, 0}))).isEqualTo(expected);
    }

    @Test
    void bindWritesFormatsValuesWithLengthsNullAsMinusOneAndResultFormats() {
        byte[] expected = Wire.concat(hex("42 00000020"), ascii("\0s1\0"), hex("0002 0001 0000"),
                hex("0002 00000004 0000002a ffffffff"), hex("0001 0001"));
        Bind bind = new Bind("", "s1", new short[]{1, 0}, new byte[][]{{0, 0, 0, 42}, null}, new short[]{1});
        assertThat(encode(bind)).isEqualTo(expected);
    }

    /**
     * A cached statement's Binds are written from names checked and encoded once ({@link BindNames}): the same bytes as
     * names encoded per Bind, a multi-byte name included, every time they are written; a name the server would cut
     * short is refused where the names are made, as a Bind of it always was.
     */
    @Test
    void bindNamesKeptForReuseWriteWhatNamesEncodedPerBindWrite() {
        BindNames kept = BindNames.of("", "s\u00e9\ud83d\ude00");
        byte[] perBind = encode(new Bind("", "s\u00e9\ud83d\ude00", new short[]{1}, new byte[][]{{0, 0, 0, 7}}, new short[]{1}));
        assertThat(perBind).containsSubsequence(Wire.concat(ascii("\0s"), hex("c3a9 f09f9880 00")));
        for (int i = 0; i < 2; i++) {
            assertThat(encode(new Bind(kept, new short[]{1}, new byte[][]{{0, 0, 0, 7}}, new short[]{1}))).isEqualTo(perBind);
        }
        assertThat(new Bind(kept, new short[0], new byte[0][], new short[0]).statement()).isEqualTo("s\u00e9\ud83d\ude00");
        assertThatThrownBy(() -> BindNames.of("", "s\0")).isInstanceOf(PgConfigException.class)
                .hasMessageContaining("statement name contains a NUL");
        assertThatThrownBy(() -> BindNames.of("", "s\ud800")).isInstanceOf(PgConfigException.class)
                .hasMessageContaining("unpaired UTF-16 surrogate");
    }

    @Test
    void bindToStringShowsTheCountButNeverTheValues() {
        Bind bind = new Bind("", "s1", new short[0], new byte[][]{"hunter2".getBytes(StandardCharsets.UTF_8)}, new short[0]);
        assertThat(bind.toString()).contains("1 parameters").doesNotContain("hunter2").doesNotContain("104");
    }

    @Test
    void describeExecuteCloseSyncAndFlush() {
        assertThat(encode(Describe.statement("s1"))).isEqualTo(Wire.concat(hex("44 00000008"), ascii("Ss1\0")));
        assertThat(encode(Describe.portal(""))).isEqualTo(Wire.concat(hex("44 00000006"), ascii("P\0")));
        assertThat(encode(new Execute("", 256))).isEqualTo(Wire.concat(hex("45 00000009"), ascii("\0"), hex("00000100")));
        assertThat(encode(Close.statement("s1"))).isEqualTo(Wire.concat(hex("43 00000008"), ascii("Ss1\0")));
        assertThat(encode(Sync.INSTANCE)).isEqualTo(hex("53 00000004"));
        assertThat(encode(Flush.INSTANCE)).isEqualTo(hex("48 00000004"));
    }

    @Test
    void aSequenceIsItsMessagesBackToBackInOneBuffer() {
        MessageSequence sequence = new MessageSequence(List.of(new Execute("", 0), Sync.INSTANCE));
        assertThat(encode(sequence)).isEqualTo(Wire.concat(hex("45 00000009"), ascii("\0"), hex("00000000 53 00000004")));
    }

    @Test
    void invalidMessagesAreRefusedBeforeAnythingIsWritten() {
        assertThatThrownBy(() -> new Parse("s", "SELECT '\0'", new int[0])).isInstanceOf(PgConfigException.class)
                .hasMessageContaining("query text contains a NUL");
        assertThatThrownBy(() -> new Parse("s", "SELECT 1", new int[70_000])).isInstanceOf(PgConfigException.class)
                .hasMessageContaining("at most 65535");
        assertThatThrownBy(() -> new Describe('X', "s")).isInstanceOf(PgConfigException.class).hasMessageContaining("'X'");
        assertThatThrownBy(() -> new Execute("", -1)).isInstanceOf(PgConfigException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> new Bind("", "", new short[]{0, 0, 0}, new byte[2][], new short[0]))
                .isInstanceOf(PgConfigException.class).hasMessageContaining("3 parameter formats for 2 parameter values");
    }
}
