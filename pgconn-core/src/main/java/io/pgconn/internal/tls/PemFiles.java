package io.pgconn.internal.tls;

import io.pgconn.PgConfigException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files named by {@code sslrootcert}, {@code sslcert}, {@code sslkey} and the revocation
 * lists. Every error names the host, the keyword, the path and what was expected ({@link TlsFile}), so a
 * user can tell which setting to fix.
 */
final class PemFiles {

    /** One {@code -----BEGIN type-----} block: its type, the RFC 1421 headers (legacy encryption) and the DER. */
    record Block(String type, String headers, byte[] der) {
    }

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\R?(.*?)-----END \\1-----", Pattern.DOTALL);

    private PemFiles() {
    }

    /**
     * The X.509 certificates in a PEM file (a CA bundle may hold several, with comment lines between
     * them); at least one.
     */
    static List<X509Certificate> certificates(TlsFile file, Path path, String hostLabel) {
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block block : blocks(file, path, read(file, path, hostLabel), hostLabel)) {
                if (block.type().equals("CERTIFICATE")) {
                    certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
                }
            }
        } catch (CertificateException | RuntimeException e) {
            if (e instanceof PgConfigException config) {
                throw config;
            }
            throw file.error(hostLabel, path, "could not parse the certificates in " + file.named(path) + ": " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw file.error(hostLabel, path, file.named(path) + " contains no PEM certificate");
        }
        return certificates;
    }

    /** The PEM blocks of a text file, in file order. */
    static List<Block> blocks(TlsFile file, Path path, byte[] content, String hostLabel) {
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(new String(content, StandardCharsets.US_ASCII));
        while (matcher.find()) {
            String body = matcher.group(2);
            // RFC 1421 headers ("Proc-Type: ...") end with an empty line; base64 follows
            String headers = "";
            int headerEnd = body.indexOf(':') >= 0 ? indexOfBlankLine(body) : -1;
            if (headerEnd >= 0) {
                headers = body.substring(0, headerEnd);
                body = body.substring(headerEnd);
            }
            try {
                blocks.add(new Block(matcher.group(1), headers, Base64.getMimeDecoder().decode(body.trim())));
            } catch (IllegalArgumentException e) {
                throw file.error(hostLabel, path, file.named(path) + " has invalid base64 in its " + matcher.group(1) + " block", e);
            }
        }
        return blocks;
    }

    /** The whole file, with errors that name the keyword, the path and what went wrong. */
    static byte[] read(TlsFile file, Path path, String hostLabel) {
        if (Files.isDirectory(path)) {
            throw file.error(hostLabel, path, file.named(path) + " is a directory, not a file");
        }
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw file.error(hostLabel, path, file.named(path) + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw file.error(hostLabel, path, file.named(path) + " is not readable (permission denied)", e);
        } catch (IOException e) {
            throw file.error(hostLabel, path, "could not read " + file.named(path) + ": " + e, e);
        }
    }

    private static int indexOfBlankLine(String body) {
        int unix = body.indexOf("\n\n");
        int windows = body.indexOf("\r\n\r\n");
        if (unix < 0) {
            return windows;
        }
        return windows < 0 ? unix : Math.min(unix, windows);
    }
}
