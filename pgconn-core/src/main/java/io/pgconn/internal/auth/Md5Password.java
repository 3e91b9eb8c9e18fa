package io.pgconn.internal.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The response to AuthenticationMD5Password
 * (<a href="https://www.postgresql.org/docs/current/auth-password.html">PostgreSQL password authentication</a>):
 * {@code "md5" + hex(md5(hex(md5(password ‖ user)) ‖ salt))}. The inner value is what the server
 * stores in {@code pg_authid}; the salt makes the wire value single-use.
 */
public final class Md5Password {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private Md5Password() {
    }

    /**
     * Encodes the password for a PasswordMessage (without the terminating NUL).
     *
     * @param user     the startup user name, UTF-8
     * @param password the password, UTF-8 (no SASLprep: MD5 predates it)
     * @param salt     the 4 bytes from AuthenticationMD5Password
     * @return 35 ASCII bytes, {@code md5} followed by 32 lower-case hex digits
     */
    public static byte[] encode(byte[] user, byte[] password, byte[] salt) {
        MessageDigest md5 = md5();
        md5.update(password);
        md5.update(user);
        byte[] storedDigest = md5.digest();
        byte[] storedHex = hex(storedDigest);
        md5.update(storedHex);
        md5.update(salt);
        byte[] saltedDigest = md5.digest();
        byte[] out = new byte[3 + 32];
        out[0] = 'm';
        out[1] = 'd';
        out[2] = '5';
        System.arraycopy(hex(saltedDigest), 0, out, 3, 32);
        // The stored form is password-equivalent for MD5 auth: do not leave it on the heap.
        Arrays.fill(storedDigest, (byte) 0);
        Arrays.fill(storedHex, (byte) 0);
        return out;
    }

    private static byte[] hex(byte[] bytes) {
        byte[] out = new byte[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[bytes[i] & 0xF];
        }
        return out;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is not available in this JDK (FIPS mode?)", e);
        }
    }
}
