package io.pgconn.internal.protocol;

import io.pgconn.internal.protocol.SampleMessages.Sample;
import io.pgconn.internal.protocol.backend.AuthenticationOk;
import io.pgconn.internal.protocol.backend.ParameterStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;

import static io.pgconn.internal.protocol.Wire.msg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Well-formed input: every message whole, split byte by byte, and all in one buffer. */
class BackendMessageDecoderTest {

    static List<Sample> samples() {
        return SampleMessages.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void decodesMessage(Sample sample) {
        try (DecoderHarness h = DecoderHarness.standard()) {
            h.write(sample.wire());
            assertThat(h.events).containsExactly(sample.expected());
            assertThat(h.decoder.bufferedBytes()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void decodesMessageSplitByteByByte(Sample sample) {
        byte[] wire = sample.wire();
        try (DecoderHarness h = DecoderHarness.standard()) {
            for (int i = 0; i < wire.length - 1; i++) {
                h.write(new byte[] {wire[i]});
            }
            assertThat(h.events).as("nothing before the last byte").isEmpty();
            h.write(new byte[] {wire[wire.length - 1]});
            assertThat(h.events).containsExactly(sample.expected());
        }
    }

    @Test
    void decodesEveryMessageFromOneBuffer() {
        List<Sample> samples = samples();
        byte[] all = Wire.concat(samples.stream().map(Sample::wire).toArray(byte[][]::new));
        try (DecoderHarness h = DecoderHarness.standard()) {
            h.write(all);
            assertThat(h.events).containsExactlyElementsOf(samples.stream().map(Sample::expected).toList());
        }
    }

    @Test
    void decodesMessagesStraddlingReads() {
        byte[] all = Wire.concat(samples().stream().map(Sample::wire).toArray(byte[][]::new));
        try (DecoderHarness h = DecoderHarness.standard()) {
            for (int at = 0; at < all.length; at += 7) {
                h.write(Arrays.copyOfRange(all, at, Math.min(all.length, at + 7)));
            }
            assertThat(h.messages()).hasSize(samples().size());
            assertThat(h.errors()).isEmpty();
        }
    }

    @Test
    void raisedCapAppliesToTheNextMessageInTheSameBuffer() {
        // the handshake calls authenticationComplete() when it sees AuthenticationOk; the
        // ParameterStatus right behind it in the same read is larger than the pre-auth cap
        byte[] big = msg('S').cstr("x").cstr("y".repeat(100)).build();
        try (DecoderHarness h = new DecoderHarness(1024, 64, (harness, m) -> {
            if (m instanceof AuthenticationOk) {
                harness.decoder.authenticationComplete();
            }
        })) {
            h.write(Wire.concat(msg('R').int32(0).build(), big));
            assertThat(h.events).containsExactly(AuthenticationOk.INSTANCE, new ParameterStatus("x", "y".repeat(100)));
        }
    }

    @Test
    void acceptsBodyExactlyAtTheCap() {
        try (DecoderHarness h = new DecoderHarness(1024, 64)) {
            h.write(msg('C').cstr("x".repeat(63)).build());
            assertThat(h.messages()).hasSize(1);
        }
    }

    @Test
    void rejectsNonPositiveLimits() {
        assertThatThrownBy(() -> new BackendMessageDecoder("h", 0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BackendMessageDecoder("h", 10, -1)).isInstanceOf(IllegalArgumentException.class);
    }

}
