package io.pgconn.internal.tls;

import io.pgconn.PgConfigException;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Loads the {@code sslkey} file: PEM {@code PRIVATE KEY} (PKCS#8), {@code ENCRYPTED PRIVATE KEY}
 * (PKCS#8 with {@code sslpassword}), {@code RSA PRIVATE KEY} (PKCS#1) and {@code EC PRIVATE KEY}
 * (SEC1), the last two also with OpenSSL's legacy {@code Proc-Type}/{@code DEK-Info} encryption
 * ({@link LegacyPemEncryption}) — the formats OpenSSL, and so libpq, reads. PKCS#1 and SEC1 are wrapped into PKCS#8 here,
 * so core needs no BouncyCastle.
 */
final class PrivateKeys {

    private static final String KEYWORD = "sslkey";

    // algorithm OIDs (DER value bytes) of PKCS#8's AlgorithmIdentifier → JDK KeyFactory name
    private static final String RSA_OID = "2a864886f70d010101";
    private static final String EC_OID = "2a8648ce3d0201";
    private static final Map<String, String> ALGORITHMS = Map.of(
            RSA_OID, "RSA",
            "2a864886f70d01010a", "RSASSA-PSS",
            EC_OID, "EC",
            "2b6570", "Ed25519",
            "2b6571", "Ed448",
            "2a8648ce380401", "DSA");
    private static final String PBES2_OID = "1.2.840.113549.1.5.13";

    private PrivateKeys() {
    }

    /** Reads, permission-checks and decodes the key file; every failure is a {@link PgConfigException} naming the file. */
    static PrivateKey load(Path path, String password, String hostLabel) {
        byte[] content = PemFiles.read(TlsFile.KEY, path, hostLabel);
        KeyFilePermissions.check(path, hostLabel);
        for (PemFiles.Block block : PemFiles.blocks(TlsFile.KEY, path, content, hostLabel)) {
            try {
                switch (block.type()) {
                    case "PRIVATE KEY":
                        return pkcs8(block.der());
                    case "ENCRYPTED PRIVATE KEY":
                        return pkcs8(decrypt(block.der(), password, path, hostLabel));
                    case "RSA PRIVATE KEY":
                        return pkcs8(rsaToPkcs8(plain(block, password, path, hostLabel)));
                    case "EC PRIVATE KEY":
                        return pkcs8(ecToPkcs8(plain(block, password, path, hostLabel)));
                    default:
                        continue; // e.g. "EC PARAMETERS" ahead of the key, or a certificate
                }
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw TlsFile.KEY.error(hostLabel, path, "could not load private key from " + KEYWORD + " file \""
                        + path + "\" (" + block.type() + "): " + e.getMessage(), e);
            }
        }
        throw TlsFile.KEY.error(hostLabel, path, KEYWORD + " file \"" + path + "\" contains no PEM private key"
                + " (PRIVATE KEY, ENCRYPTED PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        Der.Tlv info = Der.expect(der, 0, Der.SEQUENCE, "PrivateKeyInfo");
        Der.Tlv version = Der.expect(der, info.valueOffset(), Der.INTEGER, "version");
        Der.Tlv algorithm = Der.expect(der, version.end(), Der.SEQUENCE, "AlgorithmIdentifier");
        String oid = HexFormat.of().formatHex(
                Der.expect(der, algorithm.valueOffset(), Der.OBJECT_IDENTIFIER, "algorithm OID").value(der));
        String name = ALGORITHMS.get(oid);
        if (name == null) {
            throw new GeneralSecurityException("unsupported key algorithm (OID bytes " + oid + ")");
        }
        return KeyFactory.getInstance(name).generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    /** PKCS#8 PrivateKeyInfo { 0, { rsaEncryption, NULL }, OCTET STRING pkcs1 } (RFC 5208, RFC 8017 A.1). */
    private static byte[] rsaToPkcs8(byte[] pkcs1) {
        Der.expect(pkcs1, 0, Der.SEQUENCE, "RSAPrivateKey");
        byte[] algorithm = Der.encode(Der.SEQUENCE, Der.encode(Der.OBJECT_IDENTIFIER, HexFormat.of().parseHex(RSA_OID)), Der.NULL);
        return Der.encode(Der.SEQUENCE, Der.encode(Der.INTEGER, new byte[] {0}), algorithm, Der.encode(Der.OCTET_STRING, pkcs1));
    }

    /** PKCS#8 { 0, { id-ecPublicKey, curve }, OCTET STRING sec1 }; the curve comes from SEC1's [0] parameters (RFC 5915). */
    private static byte[] ecToPkcs8(byte[] sec1) {
        Der.Tlv key = Der.expect(sec1, 0, Der.SEQUENCE, "ECPrivateKey");
        Der.Tlv version = Der.expect(sec1, key.valueOffset(), Der.INTEGER, "version");
        Der.Tlv secret = Der.expect(sec1, version.end(), Der.OCTET_STRING, "privateKey");
        if (secret.end() >= key.end() || Der.read(sec1, secret.end()).tag() != Der.CONTEXT_0) {
            // PKCS#8 carries the curve outside the SEC1 structure; here it must be inside
            throw new IllegalArgumentException("EC key without curve parameters; convert it with: openssl pkcs8 -topk8 -nocrypt");
        }
        Der.Tlv parameters = Der.read(sec1, secret.end());
        Der.Tlv curveTlv = Der.expect(sec1, parameters.valueOffset(), Der.OBJECT_IDENTIFIER, "named curve OID");
        byte[] curve = curveTlv.encoding(sec1, parameters.valueOffset());
        byte[] algorithm = Der.encode(Der.SEQUENCE, Der.encode(Der.OBJECT_IDENTIFIER, HexFormat.of().parseHex(EC_OID)), curve);
        return Der.encode(Der.SEQUENCE, Der.encode(Der.INTEGER, new byte[] {0}), algorithm, Der.encode(Der.OCTET_STRING, sec1));
    }

    private static byte[] decrypt(byte[] der, String password, Path path, String hostLabel) throws GeneralSecurityException {
        if (password == null) {
            throw TlsFile.KEY.error(hostLabel, path, KEYWORD + " file \"" + path
                    + "\" holds an encrypted private key, but no sslpassword is set");
        }
        EncryptedPrivateKeyInfo info;
        try {
            info = new EncryptedPrivateKeyInfo(der);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed EncryptedPrivateKeyInfo: " + e.getMessage(), e);
        }
        // PBES2 names its real scheme (e.g. PBEWithHmacSHA256AndAES_256) in its parameters
        String algorithm = info.getAlgName();
        if (PBES2_OID.equals(algorithm) || "PBES2".equalsIgnoreCase(algorithm)) {
            algorithm = info.getAlgParameters().toString();
        }
        char[] chars = password.toCharArray();
        PBEKeySpec spec = new PBEKeySpec(chars);
        try {
            Cipher cipher = Cipher.getInstance(algorithm);
            cipher.init(Cipher.DECRYPT_MODE, SecretKeyFactory.getInstance(algorithm).generateSecret(spec), info.getAlgParameters());
            return info.getKeySpec(cipher).getEncoded();
        } catch (java.security.spec.InvalidKeySpecException e) {
            // getKeySpec reports a wrong password (bad padding, or rarely garbage that pads well) this way
            throw TlsFile.KEY.error(hostLabel, path, "could not decrypt " + KEYWORD + " file \"" + path
                    + "\": wrong sslpassword, or the file is damaged", e);
        } finally {
            spec.clearPassword();
            Arrays.fill(chars, '\0');
        }
    }

    /** The DER of a PKCS#1 or SEC1 block, decrypted first when it carries OpenSSL's legacy encryption headers. */
    private static byte[] plain(PemFiles.Block block, String password, Path path, String hostLabel) {
        return LegacyPemEncryption.isEncrypted(block.headers())
                ? LegacyPemEncryption.decrypt(block, password, path, hostLabel)
                : block.der();
    }
}
