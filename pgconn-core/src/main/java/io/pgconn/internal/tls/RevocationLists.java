package io.pgconn.internal.tls;

import io.pgconn.PgConfigException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CRL;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * libpq's {@code sslcrl} / {@code sslcrldir}: certificate revocation lists checked whenever the server's
 * chain is verified. As libpq (OpenSSL's {@code X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL}):
 * used only when the file or directory exists (else silently not, "we do not require CRL"), and then
 * every certificate of the chain below the trusted root needs a CRL from its issuer, and a revoked one
 * fails the handshake. The directory is read as OpenSSL reads it: files named {@code <hash>.r<n>}.
 */
final class RevocationLists {

    private static final Pattern HASHED_CRL = Pattern.compile("[0-9a-fA-F]{8}\\.r[0-9]+");

    private RevocationLists() {
    }

    /** Whether a CRL file or directory exists now (libpq decides at each connect). */
    static boolean exist(TlsSettings settings) {
        return exists(settings.crl()) || exists(settings.crlDir());
    }

    /**
     * The hashed CRL files of {@code sslcrldir} ({@code <hash>.r<n>}, as OpenSSL reads the directory), in name order;
     * {@link TlsFileState} stamps the same files a context is built from.
     */
    static List<Path> hashedFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> HASHED_CRL.matcher(f.getFileName().toString()).matches()).sorted().toList();
        }
    }

    private static boolean exists(Path path) {
        try {
            return path != null && Files.exists(path);
        } catch (SecurityException e) {
            return false;
        }
    }

    /** A trust manager factory that trusts {@code roots} and checks the chain against the CRLs. */
    static TrustManagerFactory trusting(List<X509Certificate> roots, TlsSettings settings, String hostLabel) {
        List<CRL> crls = load(settings, hostLabel);
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            for (X509Certificate root : roots) {
                anchors.add(new TrustAnchor(root, null));
            }
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, new X509CertSelector());
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
            PKIXRevocationChecker checker = (PKIXRevocationChecker) CertPathBuilder.getInstance("PKIX").getRevocationChecker();
            // CRLs only (no OCSP, no fetching), and a missing CRL is a failure, as OpenSSL's CRL_CHECK_ALL
            checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK));
            parameters.addCertPathChecker(checker);
            parameters.setRevocationEnabled(true);
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(new CertPathTrustManagerParameters(parameters));
            return factory;
        } catch (InvalidAlgorithmParameterException e) {
            throw new PgConfigException(hostLabel, "sslrootcert", null, "no trusted root certificate to check revocation against: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new PgConfigException(hostLabel, "sslcrl", null, "could not set up certificate revocation checking: " + e.getMessage(), e);
        }
    }

    private static List<CRL> load(TlsSettings settings, String hostLabel) {
        List<CRL> crls = new ArrayList<>();
        if (exists(settings.crl())) {
            crls.addAll(read(TlsFile.CRL, settings.crl(), hostLabel));
        }
        if (exists(settings.crlDir()) && Files.isDirectory(settings.crlDir())) {
            List<Path> files;
            try {
                files = hashedFiles(settings.crlDir());
            } catch (IOException e) {
                throw TlsFile.CRL_DIR.error(hostLabel, settings.crlDir(), "could not read sslcrldir \"" + settings.crlDir() + "\": "
                        + e.getMessage(), e);
            }
            for (Path file : files) {
                crls.addAll(read(TlsFile.CRL_DIR, file, hostLabel));
            }
        }
        return crls;
    }

    private static List<CRL> read(TlsFile kind, Path file, String hostLabel) {
        byte[] content = PemFiles.read(kind, file, hostLabel);
        List<CRL> crls = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (PemFiles.Block block : PemFiles.blocks(kind, file, content, hostLabel)) {
                if (block.type().equals("X509 CRL")) {
                    crls.add((X509CRL) factory.generateCRL(new ByteArrayInputStream(block.der())));
                }
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw kind.error(hostLabel, file, "could not parse the revocation list in " + kind.named(file) + ": " + e.getMessage(), e);
        }
        if (crls.isEmpty()) {
            // OpenSSL, and so libpq, refuses a revocation list file that holds none
            throw kind.error(hostLabel, file, kind.named(file) + " contains no PEM certificate revocation list");
        }
        return crls;
    }
}
