package io.pgconn.internal.auth;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgException;
import io.pgconn.PgProtocolException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * The client side of one SCRAM-SHA-256(-PLUS) exchange
 * (<a href="https://www.rfc-editor.org/rfc/rfc5802">RFC 5802</a>,
 * <a href="https://www.rfc-editor.org/rfc/rfc7677">RFC 7677</a>,
 * <a href="https://www.postgresql.org/docs/current/sasl-authentication.html">PostgreSQL SASL</a>):
 * {@link #clientFirstMessage()} for SASLInitialResponse, {@link #clientFinalMessage} for the
 * SASLContinue payload, {@link #verifyServerFinal} for SASLFinal. AuthenticationOk must not be
 * accepted before {@link #isVerified()}: checking the server's signature is what makes SCRAM mutual.
 *
 * <p>Failures: {@link PgProtocolException} for malformed server messages and for calls out of
 * order (the server sent SASLContinue/SASLFinal at the wrong time); {@link PgAuthenticationException}
 * for a security check that fails (nonce, iteration bounds, server signature, {@code e=}, {@code m=}).
 * After any failure every further call fails. Not thread-safe: one connection's event loop drives it.
 */
public final class ScramSession {

    private enum State { INITIAL, FIRST_SENT, FINAL_SENT, VERIFIED, FAILED }

    /** libpq's nonce size (SCRAM_RAW_NONCE_LEN); base64 keeps it within SCRAM's printable set. */
    private static final int NONCE_BYTES = 18;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] CLIENT_KEY = "Client Key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_KEY = "Server Key".getBytes(StandardCharsets.US_ASCII);

    private final String host;
    private final ScramSelection selection;
    private final byte[] password;
    private final SaltedPasswordCache cache;
    private final int minIterations;
    private final int maxIterations;
    private final String username;
    private final String clientNonce;

    private State state = State.INITIAL;
    private String clientFirstBare;
    private byte[] expectedServerSignature;

    /**
     * @param normalizedPassword {@link SaslPrep#normalize} output; copied, and the copy is zeroed once used
     * @param cache              shared salted-password cache, or {@code null} to always run PBKDF2
     */
    public ScramSession(String host, ScramSelection selection, byte[] normalizedPassword, SaltedPasswordCache cache,
                        int minIterations, int maxIterations) {
        // PostgreSQL ignores the SCRAM user name (it uses the startup user); libpq sends "n=,".
        this(host, selection, normalizedPassword, cache, minIterations, maxIterations, "", randomNonce());
    }

    /** With a fixed user name and nonce, for RFC test vectors. */
    ScramSession(String host, ScramSelection selection, byte[] normalizedPassword, SaltedPasswordCache cache,
                 int minIterations, int maxIterations, String username, String clientNonce) {
        if (minIterations < 1 || maxIterations < minIterations) {
            throw new IllegalArgumentException("invalid SCRAM iteration bounds [" + minIterations + ", " + maxIterations + "]");
        }
        this.host = host;
        this.selection = Objects.requireNonNull(selection, "selection");
        this.password = normalizedPassword.clone();
        this.cache = cache;
        this.minIterations = minIterations;
        this.maxIterations = maxIterations;
        this.username = username;
        this.clientNonce = clientNonce;
    }

    /** gs2-header ‖ client-first-message-bare, the SASLInitialResponse data. */
    public byte[] clientFirstMessage() {
        expect(State.INITIAL, "client-first-message");
        clientFirstBare = "n=" + ScramMessages.saslName(username) + ",r=" + clientNonce;
        state = State.FIRST_SENT;
        return (selection.gs2Header() + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    /** Answers the server-first-message (SASLContinue) with client-final-message, proof included. */
    public byte[] clientFinalMessage(byte[] serverFirstMessage) {
        expect(State.FIRST_SENT, "server-first-message (SASLContinue)");
        byte[] salted = null;
        try {
            ScramMessages.ServerFirst first = ScramMessages.parseServerFirst(host, serverFirstMessage, clientNonce,
                    minIterations, maxIterations);
            String withoutProof = "c=" + Base64.getEncoder().encodeToString(channelBindingInput())
                    + ",r=" + first.nonce();
            byte[] authMessage = (clientFirstBare + "," + first.message() + "," + withoutProof)
                    .getBytes(StandardCharsets.UTF_8);
            salted = cache != null
                    ? cache.saltedPassword(password, first.salt(), first.iterations())
                    : Pbkdf2.hiSha256(password, first.salt(), first.iterations());
            byte[] proof = clientProof(salted, authMessage);
            byte[] serverKey = ScramCrypto.hmac(salted, SERVER_KEY);
            expectedServerSignature = ScramCrypto.hmac(serverKey, authMessage);
            Arrays.fill(serverKey, (byte) 0);
            String message = withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
            Arrays.fill(proof, (byte) 0);
            state = State.FINAL_SENT;
            return message.getBytes(StandardCharsets.UTF_8);
        } catch (PgException e) {
            state = State.FAILED;
            throw e;
        } finally {
            // The password is needed exactly once, whatever the outcome.
            Arrays.fill(password, (byte) 0);
            if (salted != null) {
                Arrays.fill(salted, (byte) 0);
            }
        }
    }

    /** Checks the server-final-message (SASLFinal): the server proves it knows the password too. */
    public void verifyServerFinal(byte[] serverFinalMessage) {
        expect(State.FINAL_SENT, "server-final-message (SASLFinal)");
        try {
            byte[] signature = ScramMessages.parseServerFinal(host, serverFinalMessage);
            // Constant time: a timing oracle on the comparison would let a forger learn it byte by byte.
            if (!MessageDigest.isEqual(expectedServerSignature, signature)) {
                throw new PgAuthenticationException(host, "SCRAM server signature does not match:"
                        + " server " + host + " could not prove it knows the password (possible impersonation)");
            }
            state = State.VERIFIED;
        } catch (PgException e) {
            state = State.FAILED;
            throw e;
        } finally {
            Arrays.fill(expectedServerSignature, (byte) 0);
        }
    }

    /** Whether the server's signature was verified; only then may AuthenticationOk be accepted. */
    public boolean isVerified() {
        return state == State.VERIFIED;
    }

    /** The mechanism this session speaks, for SASLInitialResponse. */
    public String mechanism() {
        return selection.mechanism();
    }

    /** ClientKey XOR HMAC(H(ClientKey), AuthMessage), RFC 5802 §3. */
    private static byte[] clientProof(byte[] saltedPassword, byte[] authMessage) {
        byte[] clientKey = ScramCrypto.hmac(saltedPassword, CLIENT_KEY);
        byte[] storedKey = ScramCrypto.sha256(clientKey);
        byte[] proof = ScramCrypto.hmac(storedKey, authMessage);
        for (int i = 0; i < proof.length; i++) {
            proof[i] ^= clientKey[i];
        }
        Arrays.fill(clientKey, (byte) 0);
        Arrays.fill(storedKey, (byte) 0);
        return proof;
    }

    /** The c= input: the GS2 header, followed by the certificate hash for -PLUS. */
    private byte[] channelBindingInput() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(selection.gs2Header().getBytes(StandardCharsets.US_ASCII));
        if (selection.isChannelBound()) {
            out.writeBytes(selection.channelBindingData());
        }
        return out.toByteArray();
    }

    private void expect(State expected, String step) {
        if (state != expected) {
            State was = state;
            state = State.FAILED;
            Arrays.fill(password, (byte) 0);
            throw new PgProtocolException(host, "unexpected SCRAM step " + step + " from " + host + ": exchange is in state " + was
                    + (was == State.FAILED ? "" : ", expected " + expected));
        }
    }

    private static String randomNonce() {
        byte[] raw = new byte[NONCE_BYTES];
        RANDOM.nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    @Override
    public String toString() {
        return "ScramSession[" + host + ", " + selection.mechanism() + ", " + state + "]";
    }
}
