package io.pgconn.hostile;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * The server side of SCRAM-SHA-256 (RFC 5802/7677) as far as a script needs it: read the
 * client-first nonce, build a server-first message, and compute the real server signature so a
 * script can end the exchange correctly — or deliberately wrongly.
 */
final class ScramServerSide {

    static final String SALT_BASE64 = Base64.getEncoder().encodeToString("pgconn-salt-1234".getBytes(StandardCharsets.UTF_8));
    static final int ITERATIONS = 4096;

    private final String clientFirstBare;
    private final String clientNonce;
    private String serverFirst;

    private ScramServerSide(String clientFirstBare) {
        this.clientFirstBare = clientFirstBare;
        this.clientNonce = attribute(clientFirstBare, "r=");
    }

    /** Reads SASLInitialResponse from {@code c}. */
    static ScramServerSide begin(Conversation c) throws IOException {
        return of(c.readMessage());
    }

    /** From a SASLInitialResponse the client sent. */
    static ScramServerSide of(Conversation.Message initialResponse) {
        return new ScramServerSide(clientFirst(initialResponse));
    }

    String clientNonce() {
        return clientNonce;
    }

    /** A well-formed server-first message extending the client nonce. */
    String serverFirst() {
        return serverFirst(clientNonce + "srvNonce", ITERATIONS);
    }

    /** Any server-first message; remembered for the signature. */
    String serverFirst(String text) {
        serverFirst = text;
        return text;
    }

    String serverFirst(String nonce, int iterations) {
        return serverFirst("r=" + nonce + ",s=" + SALT_BASE64 + ",i=" + iterations);
    }

    /** {@code v=<ServerSignature>} for the client-final message the client sent, with {@code password}. */
    String serverFinal(Conversation.Message clientFinal, String password) {
        String text = clientFinal.bodyText();
        String withoutProof = text.substring(0, text.indexOf(",p="));
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        try {
            SecretKeyFactory pbkdf2 = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            byte[] salted = pbkdf2.generateSecret(new PBEKeySpec(password.toCharArray(), Base64.getDecoder().decode(SALT_BASE64),
                    ITERATIONS, 256)).getEncoded();
            byte[] serverKey = hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
            return "v=" + Base64.getEncoder().encodeToString(hmac(serverKey, authMessage.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    /** client-first-message-bare from a SASLInitialResponse body: mechanism C string, int32 length, gs2 header, bare. */
    private static String clientFirst(Conversation.Message initialResponse) {
        byte[] body = initialResponse.body();
        int nul = 0;
        while (body[nul] != 0) {
            nul++;
        }
        int start = nul + 1 + 4;
        String withHeader = new String(body, start, body.length - start, StandardCharsets.UTF_8);
        // gs2-header is "<flag>,<authzid>," : the bare message starts after the second comma
        return withHeader.substring(withHeader.indexOf(',', withHeader.indexOf(',') + 1) + 1);
    }

    private static String attribute(String message, String name) {
        for (String part : message.split(",")) {
            if (part.startsWith(name)) {
                return part.substring(name.length());
            }
        }
        throw new IllegalArgumentException("no " + name + " in " + message);
    }
}
