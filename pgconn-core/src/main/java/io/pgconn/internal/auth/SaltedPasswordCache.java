package io.pgconn.internal.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounded LRU cache of SCRAM salted passwords ({@code Hi(password, salt, i)},
 * <a href="https://www.rfc-editor.org/rfc/rfc5802#section-3">RFC 5802 §3</a>), shared by the
 * connections of one factory. PBKDF2 with 4096+ iterations dominates the client's CPU per
 * connect; a server keeps salt and iteration count per role, so repeated connects hit.
 *
 * <p>Entries are keyed by HMAC-SHA-256 under a random per-cache key over
 * (password, salt, iterations), so neither the password nor a digest that could be brute-forced
 * offline sits in the map. Evicted and cleared values are zeroed; callers get copies.
 * Thread-safe; PBKDF2 runs outside the lock so concurrent connects do not serialise on it.
 */
public final class SaltedPasswordCache {

    /** A size that covers many roles × servers while holding only ~64 × 32 bytes of secrets. */
    public static final int DEFAULT_MAX_ENTRIES = 64;

    /**
     * The HMAC under the cache's random key, made at the first SCRAM exchange (guarded by this): a factory that
     * never meets SCRAM — trust, certificates, a short-lived tool's one connect — reads no random bytes for it.
     */
    private Mac keyMac;
    private final Map<Key, byte[]> entries;
    private final AtomicInteger computations = new AtomicInteger();

    public SaltedPasswordCache() {
        this(DEFAULT_MAX_ENTRIES);
    }

    /** @param maxEntries bound on cached values; 0 disables caching */
    public SaltedPasswordCache(int maxEntries) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries must not be negative: " + maxEntries);
        }
        entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, byte[]> eldest) {
                if (size() > maxEntries) {
                    Arrays.fill(eldest.getValue(), (byte) 0);
                    return true;
                }
                return false;
            }
        };
    }

    /**
     * {@code Hi(normalizedPassword, salt, iterations)}, from the cache or computed and stored.
     *
     * @return a copy the caller owns (and should zero)
     */
    public byte[] saltedPassword(byte[] normalizedPassword, byte[] salt, int iterations) {
        Key key;
        synchronized (this) {
            key = key(normalizedPassword, salt, iterations);
            byte[] cached = entries.get(key);
            if (cached != null) {
                return cached.clone();
            }
        }
        byte[] computed = Pbkdf2.hiSha256(normalizedPassword, salt, iterations);
        computations.incrementAndGet();
        byte[] result = computed.clone();
        synchronized (this) {
            // A concurrent connect may have stored the same value meanwhile; keep one copy.
            if (entries.putIfAbsent(key, computed) != null) {
                Arrays.fill(computed, (byte) 0);
            }
        }
        return result;
    }

    /** Zeroes and drops every entry (e.g. when the factory closes or the password changes). */
    public synchronized void clear() {
        entries.values().forEach(v -> Arrays.fill(v, (byte) 0));
        entries.clear();
    }

    /** Number of cached values. */
    public synchronized int size() {
        return entries.size();
    }

    /** How many times PBKDF2 ran; for tests. */
    int computations() {
        return computations.get();
    }

    /** Must be called holding the lock: the Mac is shared. Lengths are included so fields cannot run into each other. */
    private Key key(byte[] password, byte[] salt, int iterations) {
        if (keyMac == null) {
            keyMac = newKeyMac();
        }
        keyMac.update(ByteBuffer.allocate(4).putInt(password.length).array());
        keyMac.update(password);
        keyMac.update(ByteBuffer.allocate(4).putInt(salt.length).array());
        keyMac.update(salt);
        keyMac.update(ByteBuffer.allocate(4).putInt(iterations).array());
        return new Key(keyMac.doFinal());
    }

    /** HMAC-SHA-256 under a fresh random key, the only copy of which the Mac keeps. */
    private static Mac newKeyMac() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private record Key(byte[] mac) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && Arrays.equals(mac, other.mac);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(mac);
        }

        @Override
        public String toString() {
            return "Key[redacted]";
        }
    }

    @Override
    public String toString() {
        return "SaltedPasswordCache[size=" + size() + "]";
    }
}
