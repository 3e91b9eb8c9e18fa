package io.pgconn.internal.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SaltedPasswordCacheTest {

    private static final byte[] SALT = "NaCl-salt-16byte".getBytes(StandardCharsets.US_ASCII);

    private static byte[] reference(String asciiPassword, byte[] salt, int iterations) throws Exception {
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(asciiPassword.toCharArray(), salt, iterations, 256)).getEncoded();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pencil", "x", "a-password-that-is-longer-than-the-sha-256-block-of-64-bytes-so-hmac-hashes-it"})
    void pbkdf2MatchesTheJdk(String password) throws Exception {
        for (int iterations : new int[] {1, 2, 4096}) {
            byte[] expected = reference(password, SALT, iterations);
            assertThat(Pbkdf2.hiSha256(ascii(password), SALT, iterations)).isEqualTo(expected);
            assertThat(Pbkdf2.hiSha256WithMac(ascii(password), SALT, iterations)).isEqualTo(expected);
        }
    }

    @Test
    void pbkdf2AcceptsEmptyAndNonUtf8Passwords() {
        // Both paths must agree even where the JDK's char[]-based PBKDF2 cannot be asked.
        byte[] raw = {(byte) 0xff, (byte) 0xfe, 0, 1};
        assertThat(Pbkdf2.hiSha256(raw, SALT, 10)).isEqualTo(Pbkdf2.hiSha256WithMac(raw, SALT, 10));
        assertThat(Pbkdf2.hiSha256(new byte[0], SALT, 10)).isEqualTo(Pbkdf2.hiSha256WithMac(new byte[0], SALT, 10));
    }

    @Test
    void secondCallIsServedFromTheCache() throws Exception {
        SaltedPasswordCache cache = new SaltedPasswordCache();
        byte[] first = cache.saltedPassword(ascii("pencil"), SALT, 4096);
        byte[] second = cache.saltedPassword(ascii("pencil"), SALT, 4096);
        assertThat(first).isEqualTo(reference("pencil", SALT, 4096)).isEqualTo(second);
        assertThat(cache.computations()).isEqualTo(1);
    }

    @Test
    void passwordSaltAndIterationsAllPartOfTheKey() {
        SaltedPasswordCache cache = new SaltedPasswordCache();
        cache.saltedPassword(ascii("pencil"), SALT, 4096);
        cache.saltedPassword(ascii("pencil2"), SALT, 4096);
        cache.saltedPassword(ascii("pencil"), ascii("other-salt"), 4096);
        cache.saltedPassword(ascii("pencil"), SALT, 4097);
        // Length prefixes: ("ab", "c") and ("a", "bc") must not collide.
        cache.saltedPassword(ascii("ab"), ascii("c"), 4096);
        cache.saltedPassword(ascii("a"), ascii("bc"), 4096);
        assertThat(cache.computations()).isEqualTo(6);
        assertThat(cache.size()).isEqualTo(6);
    }

    @Test
    void returnedArraysAreCopies() {
        SaltedPasswordCache cache = new SaltedPasswordCache();
        byte[] first = cache.saltedPassword(ascii("pencil"), SALT, 10);
        byte[] expected = first.clone();
        first[0] ^= 1;
        assertThat(cache.saltedPassword(ascii("pencil"), SALT, 10)).isEqualTo(expected);
        assertThat(cache.saltedPassword(ascii("pencil"), SALT, 10)).isNotSameAs(cache.saltedPassword(ascii("pencil"), SALT, 10));
    }

    @Test
    void boundedLeastRecentlyUsedEvictionZeroesTheEvictedValue() throws Exception {
        SaltedPasswordCache cache = new SaltedPasswordCache(2);
        cache.saltedPassword(ascii("a"), SALT, 10);
        cache.saltedPassword(ascii("b"), SALT, 10);
        byte[] storedA = storedValues(cache).values().iterator().next();
        cache.saltedPassword(ascii("a"), SALT, 10);   // a is now most recently used
        byte[] storedB = storedValues(cache).values().iterator().next();
        cache.saltedPassword(ascii("c"), SALT, 10);   // evicts b
        assertThat(cache.size()).isEqualTo(2);
        assertThat(storedB).containsOnly(0);
        assertThat(storedA).isNotEqualTo(new byte[32]);
        int before = cache.computations();
        cache.saltedPassword(ascii("a"), SALT, 10);
        assertThat(cache.computations()).isEqualTo(before);
        cache.saltedPassword(ascii("b"), SALT, 10);
        assertThat(cache.computations()).isEqualTo(before + 1);
    }

    @Test
    void zeroEntriesDisablesCachingButStillAnswers() throws Exception {
        SaltedPasswordCache cache = new SaltedPasswordCache(0);
        assertThat(cache.saltedPassword(ascii("pencil"), SALT, 10)).isEqualTo(reference("pencil", SALT, 10));
        assertThat(cache.size()).isZero();
    }

    @Test
    void clearZeroesEverything() throws Exception {
        SaltedPasswordCache cache = new SaltedPasswordCache();
        cache.saltedPassword(ascii("a"), SALT, 10);
        cache.saltedPassword(ascii("b"), SALT, 10);
        var values = storedValues(cache).values().toArray(byte[][]::new);
        cache.clear();
        assertThat(cache.size()).isZero();
        for (byte[] value : values) {
            assertThat(value).containsOnly(0);
        }
    }

    @Test
    void neitherKeysNorToStringContainThePassword() throws Exception {
        SaltedPasswordCache cache = new SaltedPasswordCache();
        cache.saltedPassword(ascii("pencil"), SALT, 10);
        Object key = storedValues(cache).keySet().iterator().next();
        assertThat(key.toString()).doesNotContain("pencil");
        assertThat(cache.toString()).doesNotContain("pencil").contains("size=1");
    }

    /** The random HMAC key is made at the first SCRAM exchange, not with the factory (docs/lifecycle.md §8), and then kept. */
    @Test
    void theKeyIsMadeAtTheFirstUseAndKeptAcrossAClear() throws Exception {
        SaltedPasswordCache cache = new SaltedPasswordCache();
        Field field = SaltedPasswordCache.class.getDeclaredField("keyMac");
        field.setAccessible(true);
        assertThat(field.get(cache)).as("no key before the first use").isNull();
        cache.saltedPassword(ascii("pencil"), SALT, 10);
        Object key = field.get(cache);
        assertThat(key).isNotNull();
        cache.clear();
        assertThat(cache.saltedPassword(ascii("pencil"), SALT, 10)).isEqualTo(reference("pencil", SALT, 10));
        cache.saltedPassword(ascii("pencil"), SALT, 10);
        assertThat(cache.computations()).as("the second look-up after the clear hit").isEqualTo(2);
        assertThat(field.get(cache)).isSameAs(key);
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, byte[]> storedValues(SaltedPasswordCache cache) throws Exception {
        Field field = SaltedPasswordCache.class.getDeclaredField("entries");
        field.setAccessible(true);
        return (Map<Object, byte[]>) field.get(cache);
    }
}
