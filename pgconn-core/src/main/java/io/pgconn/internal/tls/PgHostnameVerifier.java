package io.pgconn.internal.tls;

import io.netty.util.NetUtil;
import io.pgconn.PgTlsException;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * {@code sslmode=verify-full}'s host-name check, with libpq's rules
 * (<a href="https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-HOST-NAME-VERIFICATION">libpq</a>):
 * <ul>
 *   <li>an IP-literal host matches subjectAltName iPAddress entries (byte comparison), a name matches
 *       dNSName entries;</li>
 *   <li>the subject's Common Name is consulted only when the certificate has no subjectAltName of
 *       the host's type;</li>
 *   <li>case-insensitive; a leading {@code *.} matches exactly one non-empty label; never a wildcard
 *       for IP addresses.</li>
 * </ul>
 * The JDK's HTTPS endpoint identification is not used: it differs (e.g. no CN fallback beside IP SANs).
 */
public final class PgHostnameVerifier {

    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private PgHostnameVerifier() {
    }

    /**
     * Whether {@code host} is an IPv4 or IPv6 literal (optionally in brackets, IPv6 optionally with a
     * zone). Pure text check: never a DNS lookup.
     */
    public static boolean isIpLiteral(String host) {
        return host != null && ipBytes(host) != null;
    }

    /**
     * Checks that {@code cert} was issued for {@code hostName}.
     *
     * @param hostLabel {@code host:port} for the exception
     * @throws PgTlsException naming the host name and the names the certificate carries
     */
    public static void verify(X509Certificate cert, String hostName, String hostLabel) {
        byte[] hostIp = ipBytes(hostName);
        int hostType = hostIp != null ? SAN_IP : SAN_DNS;
        List<String> examined = new ArrayList<>();
        boolean checkCommonName = true;
        for (List<?> san : subjectAltNames(cert, hostLabel)) {
            int type = (Integer) san.get(0);
            if (type == hostType) {
                // a SAN of the host's own type makes the CN irrelevant (RFC 6125, libpq)
                checkCommonName = false;
            }
            if (type == SAN_DNS) {
                String name = (String) san.get(1);
                examined.add(name);
                if (hostIp == null && nameMatches(name, hostName, hostLabel)) {
                    return;
                }
            } else if (type == SAN_IP) {
                String address = (String) san.get(1);
                examined.add("IP:" + address);
                if (hostIp != null && Arrays.equals(hostIp, ipBytes(address))) {
                    return;
                }
            }
        }
        if (checkCommonName) {
            String commonName = commonName(cert.getSubjectX500Principal());
            if (commonName != null) {
                examined.add("CN=" + commonName);
                boolean matches = hostIp != null
                        ? Arrays.equals(hostIp, ipBytes(commonName))
                        : nameMatches(commonName, hostName, hostLabel);
                if (matches) {
                    return;
                }
            }
        }
        if (examined.isEmpty()) {
            throw new PgTlsException(hostLabel, "could not get the server's host name from its certificate"
                    + " (no subjectAltName and no Common Name) while verifying host name \"" + hostName + "\"");
        }
        throw new PgTlsException(hostLabel, "server certificate of " + hostLabel + " for " + examined
                + " does not match host name \"" + hostName + "\" (sslmode=verify-full)");
    }

    /** Case-insensitive match of one certificate name; {@code *.rest} stands for exactly one leading label. */
    private static boolean nameMatches(String certName, String hostName, String hostLabel) {
        if (certName.indexOf('\0') >= 0) {
            // a NUL lets "good.com\0.evil.com" pass C string compares; libpq refuses such certificates
            throw new PgTlsException(hostLabel, "server certificate contains a name with an embedded NUL byte");
        }
        String pattern = certName.toLowerCase(Locale.ROOT);
        String host = hostName.toLowerCase(Locale.ROOT);
        if (pattern.length() > 2 && pattern.startsWith("*.")) {
            String suffix = pattern.substring(1); // ".example.com"
            if (!host.endsWith(suffix)) {
                return false;
            }
            String label = host.substring(0, host.length() - suffix.length());
            return !label.isEmpty() && label.indexOf('.') < 0;
        }
        return pattern.equals(host);
    }

    private static Collection<List<?>> subjectAltNames(X509Certificate cert, String hostLabel) {
        try {
            Collection<List<?>> names = cert.getSubjectAlternativeNames();
            return names == null ? List.of() : names;
        } catch (CertificateParsingException e) {
            throw new PgTlsException(hostLabel, "could not read subjectAltName of the server certificate", e);
        }
    }

    /** The first CN of the subject in DER order, as OpenSSL's lookup finds it; {@code null} when none. */
    private static String commonName(X500Principal subject) {
        try {
            for (Rdn rdn : new LdapName(subject.getName(X500Principal.RFC2253)).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType()) && rdn.getValue() instanceof String value) {
                    return value;
                }
            }
            return null;
        } catch (InvalidNameException e) {
            return null;
        }
    }

    /** Address bytes of an IP literal, or {@code null} when {@code text} is not one. Never resolves names. */
    private static byte[] ipBytes(String text) {
        String host = text;
        if (host.length() > 2 && host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int zone = host.indexOf('%');
        if (zone > 0 && host.indexOf(':') >= 0) {
            host = host.substring(0, zone); // the zone picks an interface, it is not part of the address
        }
        if (!NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) {
            return null;
        }
        return NetUtil.createByteArrayFromIpAddressString(host);
    }
}
