package io.pgconn.internal.auth;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/**
 * The server side of SCRAM-SHA-256, written independently of the production code (JDK
 * PBKDF2WithHmacSHA256, so ASCII passwords only): checks the client's proof and channel binding,
 * and produces server-final.
 */
final class ScramTestServer {

    private final String password;
    private final byte[] salt;
    private final int iterations;
    private final String serverNonceSuffix;
    private String clientFirstBare;
    private String serverFirst;

    ScramTestServer(String password, byte[] salt, int iterations, String serverNonceSuffix) {
        this.password = password;
        this.salt = salt;
        this.iterations = iterations;
        this.serverNonceSuffix = serverNonceSuffix;
    }

    byte[] serverFirst(byte[] clientFirst, String expectedGs2) {
        String text = new String(clientFirst, StandardCharsets.UTF_8);
        if (!text.startsWith(expectedGs2)) {
            throw new AssertionError("gs2 header: " + text);
        }
        clientFirstBare = text.substring(expectedGs2.length());
        String clientNonce = clientFirstBare.substring(clientFirstBare.indexOf(",r=") + 3);
        serverFirst = "r=" + clientNonce + serverNonceSuffix + ",s=" + Base64.getEncoder().encodeToString(salt)
                + ",i=" + iterations;
        return serverFirst.getBytes(StandardCharsets.US_ASCII);
    }

    /** Verifies the client proof and the expected c= input; returns server-final. */
    byte[] serverFinal(byte[] clientFinal, byte[] expectedChannelBindingInput) throws Exception {
        String text = new String(clientFinal, StandardCharsets.US_ASCII);
        int p = text.lastIndexOf(",p=");
        String withoutProof = text.substring(0, p);
        byte[] proof = Base64.getDecoder().decode(text.substring(p + 3));
        String c = withoutProof.substring(2, withoutProof.indexOf(','));
        if (!Arrays.equals(Base64.getDecoder().decode(c), expectedChannelBindingInput)) {
            throw new AssertionError("channel binding input");
        }
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.US_ASCII);
        byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(hmac(salted, "Client Key".getBytes()));
        byte[] signature = hmac(storedKey, authMessage);
        byte[] clientKey = new byte[32];
        for (int i = 0; i < 32; i++) {
            clientKey[i] = (byte) (proof[i] ^ signature[i]);
        }
        if (!Arrays.equals(MessageDigest.getInstance("SHA-256").digest(clientKey), storedKey)) {
            throw new AssertionError("client proof does not verify");
        }
        byte[] serverSignature = hmac(hmac(salted, "Server Key".getBytes()), authMessage);
        return ("v=" + Base64.getEncoder().encodeToString(serverSignature)).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }
}
