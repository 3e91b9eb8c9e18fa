package io.pgconn.internal.auth;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import java.security.DigestException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * SCRAM's {@code Hi()} (<a href="https://www.rfc-editor.org/rfc/rfc5802#section-2.2">RFC 5802 §2.2</a>):
 * PBKDF2-HMAC-SHA-256 with a 32-byte output, which is a single PBKDF2 block.
 *
 * <p>Why not {@code SecretKeyFactory("PBKDF2WithHmacSHA256")}: it takes the password as
 * {@code char[]} and encodes it itself, so raw (non-SASLprep) password bytes cannot be passed.
 *
 * <p>Why not a plain {@code Mac} loop: {@code Mac.doFinal} re-hashes the padded key for every
 * HMAC (4 SHA-256 compressions). Here the digest states after the inner and outer key pads are
 * computed once and cloned per iteration (2 compressions), still on the JDK's intrinsified
 * SHA-256; measured about a third faster. The {@code Mac} loop remains as a fallback for
 * providers whose digests cannot be cloned.
 */
final class Pbkdf2 {

    private static final int BLOCK = 64;
    private static final int OUT = 32;
    private static final byte[] BLOCK_INDEX_1 = {0, 0, 0, 1};

    private Pbkdf2() {
    }

    /** Hi(password, salt, iterations); password bytes are used as given. */
    static byte[] hiSha256(byte[] password, byte[] salt, int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive: " + iterations);
        }
        MessageDigest inner = ScramCrypto.sha256Digest();
        MessageDigest outer = ScramCrypto.sha256Digest();
        byte[] key = password.length > BLOCK ? ScramCrypto.sha256(password) : password;
        byte[] pad = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            pad[i] = (byte) ((i < key.length ? key[i] : 0) ^ 0x36);
        }
        inner.update(pad);
        for (int i = 0; i < BLOCK; i++) {
            pad[i] = (byte) ((i < key.length ? key[i] : 0) ^ 0x5c);
        }
        outer.update(pad);
        Arrays.fill(pad, (byte) 0);
        if (key != password) {
            Arrays.fill(key, (byte) 0);
        }
        try {
            byte[] u = new byte[OUT];
            MessageDigest d = (MessageDigest) inner.clone();
            d.update(salt);
            d.update(BLOCK_INDEX_1);
            finish(d, outer, u);
            byte[] result = u.clone();
            for (int i = 1; i < iterations; i++) {
                d = (MessageDigest) inner.clone();
                d.update(u);
                finish(d, outer, u);
                for (int j = 0; j < OUT; j++) {
                    result[j] ^= u[j];
                }
            }
            Arrays.fill(u, (byte) 0);
            return result;
        } catch (CloneNotSupportedException e) {
            return hiSha256WithMac(password, salt, iterations);
        } finally {
            // Drop the key-derived pad states from the templates.
            inner.reset();
            outer.reset();
        }
    }

    /** Completes HMAC: u = H(opad ‖ H(ipad ‖ data)), where {@code innerWithData} holds ipad ‖ data. */
    private static void finish(MessageDigest innerWithData, MessageDigest outerTemplate, byte[] u)
            throws CloneNotSupportedException {
        try {
            innerWithData.digest(u, 0, OUT);
            MessageDigest o = (MessageDigest) outerTemplate.clone();
            o.update(u);
            o.digest(u, 0, OUT);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-256 digest failed", e);
        }
    }

    /** The straightforward loop: one keyed Mac, one reused buffer, no per-iteration allocation. */
    static byte[] hiSha256WithMac(byte[] password, byte[] salt, int iterations) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new RawKey(password));
            byte[] u = new byte[OUT];
            mac.update(salt);
            mac.update(BLOCK_INDEX_1);
            mac.doFinal(u, 0);
            byte[] result = u.clone();
            for (int i = 1; i < iterations; i++) {
                mac.update(u);
                mac.doFinal(u, 0);
                for (int j = 0; j < OUT; j++) {
                    result[j] ^= u[j];
                }
            }
            Arrays.fill(u, (byte) 0);
            return result;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** A key over the caller's bytes: SecretKeySpec refuses empty keys, which HMAC allows. */
    private record RawKey(byte[] bytes) implements SecretKey {
        @Override
        public String getAlgorithm() {
            return "HmacSHA256";
        }

        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public byte[] getEncoded() {
            return bytes.clone();
        }

        @Override
        public String toString() {
            return "RawKey[redacted]";
        }
    }
}
