package io.pgconn.internal.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The SHA-256 and HMAC-SHA-256 primitives of SCRAM-SHA-256 (RFC 7677), on JDK crypto. */
final class ScramCrypto {

    private ScramCrypto() {
    }

    static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    static byte[] sha256(byte[] data) {
        return sha256Digest().digest(data);
    }

    /** HMAC(key, data); {@code key} is a non-empty SCRAM key (SaltedPassword, ServerKey, StoredKey). */
    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
