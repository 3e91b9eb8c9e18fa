package io.pgconn.internal.protocol;

import io.pgconn.PgProtocolException;
import io.pgconn.internal.protocol.SampleMessages.Sample;
import io.pgconn.internal.protocol.backend.BackendMessage;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever a peer sends, however it is split: the decoder emits only BackendMessages, or at most
 * one PgProtocolException and then nothing, and never holds more than one capped message.
 */
class BackendMessageDecoderPropertiesTest {

    private static final int MAX = 256;
    private static final int PRE_AUTH = 48;
    private static final String TYPES = "RKSZENvATDCIGHW123nst";

    @Property(tries = 300)
    void arbitraryBytes(@ForAll @Size(max = 700) byte[] bytes,
                        @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 1, max = 80) Integer> chunkSizes,
                        @ForAll boolean authenticated) {
        check(bytes, chunkSizes, authenticated);
    }

    /** Plausible headers (known type, small length) around random bodies reach every body decoder. */
    @Property(tries = 300)
    void framedGarbage(@ForAll("framedStreams") byte[] bytes,
                       @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 1, max = 80) Integer> chunkSizes,
                       @ForAll boolean authenticated) {
        check(bytes, chunkSizes, authenticated);
    }

    /** Valid messages with a few bytes flipped. */
    @Property(tries = 300)
    void mutatedValidStreams(@ForAll("validStreams") byte[] valid,
                             @ForAll @Size(max = 4) List<@IntRange(min = 0, max = 100_000) Integer> positions,
                             @ForAll @Size(min = 4, max = 4) List<Byte> values,
                             @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 1, max = 80) Integer> chunkSizes) {
        byte[] bytes = valid.clone();
        for (int i = 0; i < positions.size() && bytes.length > 0; i++) {
            bytes[positions.get(i) % bytes.length] = values.get(i);
        }
        check(bytes, chunkSizes, true);
    }

    @Provide
    Arbitrary<byte[]> framedStreams() {
        Arbitrary<byte[]> frame = Combinators.combine(
                Arbitraries.of(TYPES.chars().boxed().toList()),
                // zeros and 'I' are NUL terminators, zero counts and a valid status: more bodies decode
                Arbitraries.oneOf(Arbitraries.bytes(), Arbitraries.of((byte) 0, (byte) 'I'))
                        .array(byte[].class).ofMaxSize(40),
                Arbitraries.integers().between(-2, 12)) // mostly the true length
                .as((type, body, lengthSkew) -> {
                    Wire w = Wire.msg((char) type.intValue()).bytes(body);
                    return lengthSkew > 0 ? w.build() : w.length(body.length + 4 + lengthSkew).build();
                });
        return frame.list().ofMaxSize(12).map(frames -> Wire.concat(frames.toArray(byte[][]::new)));
    }

    @Provide
    Arbitrary<byte[]> validStreams() {
        List<byte[]> wires = SampleMessages.all().stream().map(Sample::wire).toList();
        return Arbitraries.of(wires).list().ofMinSize(1).ofMaxSize(8)
                .map(list -> Wire.concat(list.toArray(byte[][]::new)));
    }

    private static void check(byte[] bytes, List<Integer> chunkSizes, boolean authenticated) {
        try (DecoderHarness h = new DecoderHarness(MAX, PRE_AUTH)) {
            if (authenticated) {
                h.decoder.authenticationComplete();
            }
            int cap = authenticated ? MAX : PRE_AUTH;
            int at = 0;
            for (int i = 0; at < bytes.length; i++) {
                int end = Math.min(bytes.length, at + chunkSizes.get(i % chunkSizes.size()));
                h.write(Arrays.copyOfRange(bytes, at, end));
                at = end;
                assertThat(h.decoder.bufferedBytes()).isLessThanOrEqualTo(cap + 5);
            }
            List<Object> events = List.copyOf(h.events);
            h.channel.close();
            assertThat(h.events).as("nothing on close").hasSameSizeAs(events);
            assertInvariant(events);
        }
    }

    private static void assertInvariant(List<Object> events) {
        long errors = events.stream().filter(e -> !(e instanceof BackendMessage)).count();
        // shows in the report that the generators reach the body decoders, not only the framing
        Statistics.collect(errors == 0 ? "no error" : "error", events.size() > errors ? "messages" : "no messages");
        assertThat(errors).as("at most one error").isLessThanOrEqualTo(1);
        if (errors == 1) {
            assertThat(events.get(events.size() - 1)).as("the error comes last")
                    .isExactlyInstanceOf(PgProtocolException.class);
        }
    }
}
