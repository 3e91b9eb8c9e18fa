package io.pgconn.internal.protocol;

import io.pgconn.PgProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.pgconn.internal.protocol.DecoderHarness.HOST;
import static io.pgconn.internal.protocol.Wire.msg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Malformed input: exactly one {@link PgProtocolException} (not wrapped), naming the host and the
 * problem, delivered through exceptionCaught; afterwards the decoder stays silent and buffers nothing.
 */
class BackendMessageDecoderMalformedTest {

    private static final byte[] READY = msg('Z').int8('I').build();

    static Stream<Arguments> malformed() {
        return Stream.of(
                arguments("length < 4", msg('Z').length(3).build(), "invalid length 3 of message 'Z'"),
                arguments("negative length", msg('Z').length(-8).build(), "invalid length -8"),
                arguments("unknown type", msg('q').build(), "unknown message type 'q'"),
                arguments("unprintable type", msg((char) 1).build(), "unknown message type 0x01"),
                arguments("missing NUL", msg('C').text("SELECT 1").build(), "command tag is not NUL-terminated"),
                arguments("missing value NUL", msg('S').cstr("a").text("b").build(), "value of a is not NUL-terminated"),
                arguments("trailing bytes", msg('Z').int8('I').int8('X').build(), "ReadyForQuery from " + HOST + ": 1 trailing"),
                arguments("trailing after AuthenticationOk", msg('R').int32(0).int32(0).build(), "4 trailing bytes"),
                arguments("trailing in empty message", msg('1').int8(0).build(), "ParseComplete from " + HOST + ": 1 trailing"),
                arguments("short MD5 salt", msg('R').int32(5).int8(1).int8(2).int8(3).build(),
                        "AuthenticationMD5Password from " + HOST + ": body too short"),
                arguments("empty Authentication", msg('R').build(), "Authentication request from " + HOST),
                arguments("SASL list unterminated", msg('R').int32(10).cstr("SCRAM-SHA-256").build(), "mechanism list is not NUL"),
                arguments("NegotiateProtocolVersion negative count", msg('v').int32(0).int32(-1).build(),
                        "negative option count -1"),
                arguments("NegotiateProtocolVersion huge count", msg('v').int32(0).int32(1_000_000).cstr("x").build(),
                        "option count 1000000 does not fit"),
                arguments("BackendKeyData 0 key bytes", msg('K').int32(1).build(), "secret key of 0 bytes (expected 4..256)"),
                arguments("BackendKeyData 300 key bytes", msg('K').int32(1).bytes(new byte[300]).build(),
                        "secret key of 300 bytes"),
                arguments("BackendKeyData no pid", msg('K').int16(1).build(), "BackendKeyData from " + HOST + ": body too short"),
                arguments("ReadyForQuery bad status", msg('Z').int8('X').build(), "transaction status 0x58"),
                arguments("ReadyForQuery empty", msg('Z').build(), "ReadyForQuery from " + HOST + ": body too short"),
                arguments("ErrorResponse unterminated", msg('E').int8('M').cstr("boom").build(), "field list is not terminated"),
                arguments("DataRow value beyond body", msg('D').int16(1).int32(10).text("abc").build(),
                        "column 1 declares 10 bytes but 3 remain"),
                arguments("DataRow negative length", msg('D').int16(1).int32(-2).build(), "column 1 declares -2 bytes"),
                arguments("DataRow count too large", msg('D').int16(3).int32(-1).build(), "column count 3 does not fit"),
                arguments("RowDescription count too large", msg('T').int16(100).cstr("a").build(), "column count 100"),
                arguments("ParameterDescription count too large", msg('t').int16(2).int32(23).build(), "parameter count 2"),
                arguments("CopyInResponse truncated", msg('G').int8(0).build(), "Copy response 'G' from " + HOST),
                arguments("NotificationResponse no payload", msg('A').int32(1).cstr("ch").build(), "payload is not NUL"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void reportsOneProtocolErrorAndGoesSilent(String name, byte[] wire, String problem) {
        try (DecoderHarness h = DecoderHarness.standard()) {
            h.write(Wire.concat(READY, wire, READY));
            h.write(READY);
            assertSingleErrorAfter(h, 1, problem);
        }
    }

    @Test
    void rejectsLengthOverPreAuthenticationCapBeforeTheBodyArrives() {
        try (DecoderHarness h = new DecoderHarness(1024, 64)) {
            h.write(msg('S').length(4 + 65).build()); // header only: must not wait for the body
            assertSingleErrorAfter(h, 0, "message 'S' from " + HOST + " declares length 69, over the limit of 64 bytes"
                    + " before authentication");
        }
    }

    @Test
    void rejectsLengthOverMaxMessageSizeAfterAuthentication() {
        byte[] body100 = msg('C').cstr("x".repeat(99)).build();
        try (DecoderHarness h = new DecoderHarness(256, 64)) {
            h.decoder.authenticationComplete();
            h.write(body100);
            assertThat(h.messages()).hasSize(1);
            h.write(msg('D').length(4 + 257).build());
            assertSingleErrorAfter(h, 1, "message 'D' from " + HOST + " declares length 261, over the limit of 256 bytes");
            assertThat(h.errors().get(0)).message().doesNotContain("before authentication");
        }
        try (DecoderHarness h = new DecoderHarness(256, 64)) {
            h.write(body100);
            assertSingleErrorAfter(h, 0, "over the limit of 64 bytes before authentication");
        }
    }

    @Test
    void preAuthenticationCapNeverExceedsMaxMessageSize() {
        try (DecoderHarness h = new DecoderHarness(32, 64 * 1024)) {
            h.write(msg('C').cstr("x".repeat(40)).build());
            assertSingleErrorAfter(h, 0, "over the limit of 32 bytes");
        }
    }

    @Test
    void truncatedBodyThenCloseEmitsNothingAndLeaksNothing() {
        byte[] wire = msg('C').cstr("SELECT 1").build();
        try (DecoderHarness h = DecoderHarness.standard()) {
            h.write(java.util.Arrays.copyOf(wire, wire.length - 3));
            assertThat(h.decoder.bufferedBytes()).isEqualTo(wire.length - 3 - 5);
            h.channel.close();
            assertThat(h.events).isEmpty();
        } // close() asserts every input buffer was released
    }

    @Test
    void truncatedHeaderThenCloseEmitsNothing() {
        try (DecoderHarness h = DecoderHarness.standard()) {
            h.write(Wire.bytes('Z', 0, 0));
            h.channel.close();
            assertThat(h.events).isEmpty();
        }
    }

    @Test
    void handlerClosingTheChannelOnTheErrorLeaksNothing() {
        try (DecoderHarness h = new DecoderHarness(1024, 64, (harness, event) -> {
            if (event instanceof Throwable) {
                harness.channel.close();
            }
        })) {
            h.write(Wire.concat(READY, msg('?').build(), READY, READY));
            assertSingleErrorAfter(h, 1, "unknown message type '?'");
            assertThat(h.channel.isOpen()).isFalse();
        }
    }

    /** {@code before} messages, then exactly one unwrapped PgProtocolException, then nothing. */
    private static void assertSingleErrorAfter(DecoderHarness h, int before, String problem) {
        assertThat(h.events).hasSize(before + 1);
        assertThat(h.messages()).hasSize(before);
        assertThat(h.events.get(before)).isExactlyInstanceOf(PgProtocolException.class);
        PgProtocolException error = (PgProtocolException) h.events.get(before);
        assertThat(error).hasMessageContaining(problem).hasMessageContaining(HOST);
        assertThat(error.host()).isEqualTo(HOST);
        assertThat(h.decoder.bufferedBytes()).as("FAILED discards input").isZero();
    }
}
