package io.pgconn.hostile;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgConnectException;
import io.pgconn.PgProtocolException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based fuzzing of the backend decoder and the startup/authentication state machine
 * (docs/testing.md §2, HostileFuzzIT): whatever a server sends, however the bytes are split, the handshake
 * ends — in success, or in a protocol, authentication or connect exception that names the host and
 * hides no stray runtime exception — and no buffer larger than the message cap is ever allocated.
 *
 * <p>Tries per property: {@code jqwik.tries.default}, set from {@code -Dpgconn.fuzz.tries} by the
 * build (1000 by default: a few seconds); e.g. {@code -Dpgconn.fuzz.tries=100000} for a long run.
 */
class HostileFuzzIT {

    private static final List<String> MECHANISMS = List.of("SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", "OAUTHBEARER", "", "X");
    private static final List<String> SQLSTATES = List.of("28P01", "28000", "57P03", "53300", "3D000", "XX000", "", "0");

    /** Any bytes at all. */
    @Property
    void arbitraryBytes(@ForAll @Size(max = 3000) byte[] bytes, @ForAll("chunks") List<Integer> chunks) {
        run("", chunks, h -> feed(h, bytes, chunks));
    }

    /** Sequences of plausible backend messages (valid, odd or broken), optionally with a few bytes flipped. */
    @Property
    void plausibleMessageStreams(@ForAll("messageStreams") byte[] stream,
                                 @ForAll @Size(max = 3) List<@IntRange(min = 0, max = 1_000_000) Integer> flipAt,
                                 @ForAll("chunks") List<Integer> chunks,
                                 @ForAll("options") String options) {
        byte[] bytes = stream.clone();
        for (int position : flipAt) {
            if (bytes.length > 0) {
                bytes[position % bytes.length] ^= (byte) (1 + position % 255);
            }
        }
        run(options, chunks, h -> feed(h, bytes, chunks));
    }

    /**
     * SCRAM conversations that answer what the client actually sent (so the nonce can be right),
     * with each server message right, wrong or garbled.
     */
    @Property
    void scramConversations(@ForAll @IntRange(min = 0, max = 5) int serverFirstKind,
                            @ForAll @IntRange(min = 0, max = 5) int serverFinalKind,
                            @ForAll("messageStreams") byte[] tail,
                            @ForAll("chunks") List<Integer> chunks) {
        run("", chunks, h -> {
            feed(h, Backend.authenticationSasl("SCRAM-SHA-256"), chunks);
            List<Conversation.Message> sent = h.clientWrote();
            if (sent.isEmpty() || sent.get(sent.size() - 1).type() != 'p') {
                return;
            }
            ScramServerSide scram = ScramServerSide.of(sent.get(sent.size() - 1));
            String nonce = scram.clientNonce() + "srv";
            String first = switch (serverFirstKind) {
                case 0 -> scram.serverFirst();
                case 1 -> scram.serverFirst("r=" + nonce + ",s=" + ScramServerSide.SALT_BASE64 + ",i=1");
                case 2 -> scram.serverFirst("r=" + nonce + ",s=%%%,i=4096");
                case 3 -> scram.serverFirst("r=" + scram.clientNonce() + ",s=" + ScramServerSide.SALT_BASE64 + ",i=4096");
                case 4 -> scram.serverFirst("r=" + nonce + ",s=" + ScramServerSide.SALT_BASE64 + ",i=4096,z=");
                default -> scram.serverFirst("m=x,r=" + nonce);
            };
            feed(h, Backend.saslContinue(first), chunks);
            sent = h.clientWrote();
            if (sent.isEmpty()) {
                return;
            }
            String fin = switch (serverFinalKind) {
                case 0, 1 -> scram.serverFinal(sent.get(sent.size() - 1), HostileClient.PASSWORD);
                case 2 -> scram.serverFinal(sent.get(sent.size() - 1), "wrong");
                case 3 -> "e=other-error";
                case 4 -> "v=" + Base64.getEncoder().encodeToString(new byte[3]);
                default -> "v=???";
            };
            feed(h, Backend.saslFinal(fin), chunks);
            feed(h, serverFinalKind == 0 ? Backend.trustLogin() : tail, chunks);
        });
    }

    @Provide
    Arbitrary<List<Integer>> chunks() {
        return Arbitraries.integers().between(1, 64).list().ofMinSize(1).ofMaxSize(8);
    }

    @Provide
    Arbitrary<String> options() {
        return Arbitraries.of("", "max_protocol_version=3.2", "require_auth=scram-sha-256", "require_auth=!password",
                "require_auth=scram-sha-256-plus", "channel_binding=disable", "password=''");
    }

    @Provide
    Arbitrary<byte[]> messageStreams() {
        return message().list().ofMaxSize(10).map(list -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            list.forEach(out::writeBytes);
            return out.toByteArray();
        });
    }

    private Arbitrary<byte[]> message() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(20);
        Arbitrary<byte[]> body = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        return Arbitraries.oneOf(
                Arbitraries.just(Backend.authenticationOk()),
                Arbitraries.just(Backend.authenticationCleartext()),
                body.map(Backend::authenticationMd5),
                Arbitraries.of(MECHANISMS).list().ofMaxSize(3).map(m -> Backend.authenticationSasl(m.toArray(String[]::new))),
                text.map(Backend::saslContinue),
                text.map(Backend::saslFinal),
                Combinators.combine(Arbitraries.integers().between(-1, 14), body).as(Backend::authentication),
                Combinators.combine(text, text).as(Backend::parameterStatus),
                Combinators.combine(Arbitraries.integers(), Arbitraries.integers().between(0, 300))
                        .as((pid, n) -> Backend.backendKeyData(pid, new byte[n])),
                Arbitraries.of('I', 'T', 'E', 'X').map(s -> Backend.message('Z', new byte[]{(byte) s.charValue()})),
                Combinators.combine(Arbitraries.of(SQLSTATES), text).as(Backend::errorResponse),
                Combinators.combine(Arbitraries.integers().between(-1, 5), Arbitraries.of("_pq_.x", "", "y").list().ofMaxSize(2))
                        .as((minor, opts) -> Backend.negotiateProtocolVersion(minor, opts.toArray(String[]::new))),
                Combinators.combine(Arbitraries.chars().range((char) 0, (char) 127), body).as(Backend::message),
                Combinators.combine(Arbitraries.chars().range('A', 'z'), Arbitraries.integers().between(-8, 1 << 20), body)
                        .as(Backend::rawMessage),
                text.map(t -> Backend.message('N', notice(t))));
    }

    private static byte[] notice(String text) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write('M');
        body.writeBytes(Backend.cstring(text));
        body.write(0);
        return body.toByteArray();
    }

    private interface Script {
        void play(StartupHarness harness);
    }

    private static void feed(StartupHarness h, byte[] bytes, List<Integer> chunks) {
        for (int at = 0, i = 0; at < bytes.length; i++) {
            int end = Math.min(bytes.length, at + chunks.get(i % chunks.size()));
            h.serverSends(Arrays.copyOfRange(bytes, at, end));
            at = end;
        }
    }

    private static void run(String options, List<Integer> chunks, Script script) {
        try (StartupHarness h = new StartupHarness(options)) {
            script.play(h);
            h.clientWrote(); // releases what the client wrote
            h.serverCloses();
            Throwable failure = h.outcome();
            Statistics.collect(failure == null ? "success" : failure.getClass().getSimpleName());
            if (failure == null) {
                assertThat(h.afterHandshake).as("nothing raised before the handshake handed over").allSatisfy(e ->
                        assertThat(e).isInstanceOf(PgProtocolException.class));
            } else {
                assertThat(h.afterHandshake).as("one failure, reported through the future only").isEmpty();
                assertThat(failure).isInstanceOfAny(PgProtocolException.class, PgAuthenticationException.class, PgConnectException.class);
                assertThat(StartupHarness.foreignCause(failure)).as("a stray exception inside " + failure).isNull();
                assertThat(failure.getMessage()).contains(h.host);
            }
            int largestChunk = chunks.stream().mapToInt(Integer::intValue).max().orElse(0);
            assertThat(h.allocator.largest()).as("largest buffer allocated")
                    .isLessThanOrEqualTo(StartupHarness.MAX_MESSAGE_SIZE + 5 + largestChunk);
        }
    }
}
