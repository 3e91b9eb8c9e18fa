package io.pgconn.internal.auth;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import static org.assertj.core.api.Assertions.assertThat;

class Md5PasswordTest {

    private static final byte[] SALT = {0x01, (byte) 0xa2, 0x33, (byte) 0xf4};

    @Test
    void knownPostgresVector() throws Exception {
        // pg_authid stores "md5" || md5("postgres" || "postgres") for user postgres / password postgres.
        assertThat("md5" + md5Hex("postgrespostgres".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("md53175bce1d3201d16594cebf9d7eb3f9d");
        byte[] stored = "3175bce1d3201d16594cebf9d7eb3f9d".getBytes(StandardCharsets.US_ASCII);
        byte[] salted = new byte[stored.length + 4];
        System.arraycopy(stored, 0, salted, 0, stored.length);
        System.arraycopy(SALT, 0, salted, stored.length, 4);

        byte[] encoded = Md5Password.encode(ascii("postgres"), ascii("postgres"), SALT);

        assertThat(new String(encoded, StandardCharsets.US_ASCII)).isEqualTo("md5" + md5Hex(salted)).hasSize(35);
    }

    @Test
    void saltChangesTheResponse() {
        byte[] a = Md5Password.encode(ascii("u"), ascii("p"), SALT);
        byte[] b = Md5Password.encode(ascii("u"), ascii("p"), new byte[] {0, 0, 0, 0});
        assertThat(a).isNotEqualTo(b);
        assertThat(new String(a, StandardCharsets.US_ASCII)).matches("md5[0-9a-f]{32}");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String md5Hex(byte[] data) throws Exception {
        return String.format("%032x", new BigInteger(1, MessageDigest.getInstance("MD5").digest(data)));
    }
}
