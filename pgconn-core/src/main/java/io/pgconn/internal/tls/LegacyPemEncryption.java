package io.pgconn.internal.tls;

import io.pgconn.PgConfigException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * OpenSSL's pre-PKCS#8 key encryption, which {@code openssl rsa -aes256} / {@code -des3} (with
 * {@code -traditional} on OpenSSL 3) and older tools write: RFC 1421 headers
 * {@code Proc-Type: 4,ENCRYPTED} and {@code DEK-Info: <cipher>,<hex IV>} in a {@code RSA PRIVATE KEY}
 * or {@code EC PRIVATE KEY} block. libpq reads these through OpenSSL with {@code sslpassword}, so
 * pgconn does too, with JDK crypto only.
 *
 * <p>The key is OpenSSL's {@code EVP_BytesToKey} with MD5, one round, and the IV's first 8 bytes as
 * the salt: {@code D1 = MD5(password || salt)}, {@code Di = MD5(Di-1 || password || salt)}, the
 * concatenation cut to the cipher's key length. MD5 is weak key derivation; that is the format's
 * problem, and why converting to PKCS#8 ({@code openssl pkcs8 -topk8 -v2 aes-256-cbc}) is better.
 */
final class LegacyPemEncryption {

    /** DEK-Info cipher name → JDK transformation, key length, IV length. */
    private record Scheme(String transformation, String keyAlgorithm, int keyLength, int ivLength) {
    }

    private static final Map<String, Scheme> SCHEMES = Map.of(
            "AES-128-CBC", new Scheme("AES/CBC/PKCS5Padding", "AES", 16, 16),
            "AES-192-CBC", new Scheme("AES/CBC/PKCS5Padding", "AES", 24, 16),
            "AES-256-CBC", new Scheme("AES/CBC/PKCS5Padding", "AES", 32, 16),
            "DES-EDE3-CBC", new Scheme("DESede/CBC/PKCS5Padding", "DESede", 24, 8),
            "DES-CBC", new Scheme("DES/CBC/PKCS5Padding", "DES", 8, 8));

    private static final String KEYWORD = "sslkey";

    private LegacyPemEncryption() {
    }

    /** Whether a PEM block's headers mark it as encrypted this way. */
    static boolean isEncrypted(String headers) {
        return header(headers, "Proc-Type") != null && header(headers, "Proc-Type").toUpperCase(Locale.ROOT).contains("ENCRYPTED");
    }

    /**
     * The decrypted DER of an encrypted block.
     *
     * @throws PgConfigException naming the key file (never the password) when no password is set, the
     *                           cipher is not one OpenSSL writes here, or the password is wrong
     */
    static byte[] decrypt(PemFiles.Block block, String password, Path path, String hostLabel) {
        if (password == null) {
            throw TlsFile.KEY.error(hostLabel, path, KEYWORD + " file \"" + path
                    + "\" holds an encrypted private key (legacy OpenSSL PEM encryption), but no sslpassword is set");
        }
        String dekInfo = header(block.headers(), "DEK-Info");
        int comma = dekInfo == null ? -1 : dekInfo.indexOf(',');
        if (comma < 0) {
            throw TlsFile.KEY.error(hostLabel, path, KEYWORD + " file \"" + path
                    + "\" is marked encrypted (Proc-Type: 4,ENCRYPTED) but has no valid DEK-Info header (expected <cipher>,<hex IV>)");
        }
        String cipherName = dekInfo.substring(0, comma).trim().toUpperCase(Locale.ROOT);
        Scheme scheme = SCHEMES.get(cipherName);
        if (scheme == null) {
            throw TlsFile.KEY.error(hostLabel, path, KEYWORD + " file \"" + path + "\" is encrypted with " + cipherName
                    + ", which is not supported (expected one of " + String.join(", ", SCHEMES.keySet().stream().sorted().toList())
                    + "); convert it with: openssl pkcs8 -topk8 -v2 aes-256-cbc");
        }
        byte[] iv;
        try {
            iv = HexFormat.of().parseHex(dekInfo.substring(comma + 1).trim());
        } catch (IllegalArgumentException e) {
            iv = new byte[0];
        }
        if (iv.length != scheme.ivLength()) {
            throw TlsFile.KEY.error(hostLabel, path, KEYWORD + " file \"" + path + "\" has a DEK-Info IV of " + iv.length
                    + " bytes; " + cipherName + " needs " + scheme.ivLength());
        }
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        byte[] key = bytesToKey(secret, Arrays.copyOf(iv, 8), scheme.keyLength());
        try {
            Cipher cipher = Cipher.getInstance(scheme.transformation());
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, scheme.keyAlgorithm()), new IvParameterSpec(iv));
            byte[] der = cipher.doFinal(block.der());
            // a wrong password nearly always fails the padding; the rare one that pads well yields no DER SEQUENCE
            if (der.length < 2 || der[0] != Der.SEQUENCE) {
                throw new BadPaddingException("not a DER structure");
            }
            return der;
        } catch (BadPaddingException e) {
            throw TlsFile.KEY.error(hostLabel, path, "could not decrypt " + KEYWORD + " file \"" + path
                    + "\": wrong sslpassword, or the file is damaged", e);
        } catch (GeneralSecurityException e) {
            throw TlsFile.KEY.error(hostLabel, path, "could not decrypt " + KEYWORD + " file \"" + path + "\" (" + cipherName + "): "
                    + e.getMessage(), e);
        } finally {
            Arrays.fill(secret, (byte) 0);
            Arrays.fill(key, (byte) 0);
        }
    }

    /** OpenSSL's EVP_BytesToKey with MD5 and one round (what PEM_do_header uses). */
    static byte[] bytesToKey(byte[] password, byte[] salt, int length) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            byte[] out = new byte[length];
            byte[] previous = new byte[0];
            int filled = 0;
            while (filled < length) {
                md5.update(previous);
                md5.update(password);
                md5.update(salt);
                previous = md5.digest();
                int n = Math.min(previous.length, length - filled);
                System.arraycopy(previous, 0, out, filled, n);
                filled += n;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 is a required JDK algorithm", e);
        }
    }

    /** The value of an RFC 1421 header line, or {@code null}. */
    private static String header(String headers, String name) {
        for (String line : headers.split("\\R")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }
}
