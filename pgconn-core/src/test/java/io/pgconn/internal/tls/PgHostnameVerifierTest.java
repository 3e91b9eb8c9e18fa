package io.pgconn.internal.tls;

import static io.pgconn.internal.tls.TestPki.dns;
import static io.pgconn.internal.tls.TestPki.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgconn.PgTlsException;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

class PgHostnameVerifierTest {

    private static final TestPki.Issued CA = TestPki.ca("hostname test CA");

    private static X509Certificate cert(String subject, GeneralName... sans) {
        return TestPki.leaf(CA, subject, sans).certificate();
    }

    static Stream<Arguments> table() {
        X509Certificate dbDns = cert("CN=ignored", dns("db.example.com"));
        X509Certificate wildcard = cert("CN=ignored", dns("*.example.com"));
        X509Certificate ipV4 = cert("CN=ignored", ip("127.0.0.1"));
        X509Certificate ipV6 = cert("CN=ignored", ip("::1"));
        X509Certificate cnOnly = cert("O=pgconn,CN=db.example.com");
        X509Certificate cnWildcard = cert("CN=*.example.com");
        X509Certificate dnsSanAndOtherCn = cert("CN=db.example.com", dns("other.example.com"));
        X509Certificate ipSanAndDnsCn = cert("CN=db.example.com", ip("10.0.0.1"));
        X509Certificate dnsOnlyLocalhost = cert("CN=localhost", dns("localhost"));
        X509Certificate ipWildcard = cert("CN=x", dns("*.0.0.1"));
        return Stream.of(
                Arguments.of("SAN DNS exact", dbDns, "db.example.com", true),
                Arguments.of("SAN DNS is case-insensitive", dbDns, "DB.Example.COM", true),
                Arguments.of("SAN DNS other name", dbDns, "other.example.com", false),
                Arguments.of("SAN DNS is not a suffix match", dbDns, "x.db.example.com", false),
                Arguments.of("wildcard matches one label", wildcard, "db.example.com", true),
                Arguments.of("wildcard, host in upper case", wildcard, "DB.EXAMPLE.COM", true),
                Arguments.of("wildcard does not match two labels", wildcard, "a.db.example.com", false),
                Arguments.of("wildcard does not match the bare domain", wildcard, "example.com", false),
                Arguments.of("wildcard does not match an empty label", wildcard, ".example.com", false),
                Arguments.of("IPv4 SAN", ipV4, "127.0.0.1", true),
                Arguments.of("IPv4 SAN, other address", ipV4, "127.0.0.2", false),
                Arguments.of("IPv6 SAN", ipV6, "::1", true),
                Arguments.of("IPv6 SAN, long form", ipV6, "0:0:0:0:0:0:0:1", true),
                Arguments.of("IPv6 SAN, bracketed host", ipV6, "[::1]", true),
                Arguments.of("IPv6 SAN vs IPv4 host", ipV6, "127.0.0.1", false),
                Arguments.of("CN when there is no SAN", cnOnly, "db.example.com", true),
                Arguments.of("CN wildcard when there is no SAN", cnWildcard, "db.example.com", true),
                Arguments.of("CN ignored beside a DNS SAN", dnsSanAndOtherCn, "db.example.com", false),
                Arguments.of("CN used beside only an IP SAN", ipSanAndDnsCn, "db.example.com", true),
                Arguments.of("IP host vs DNS-only certificate", dnsOnlyLocalhost, "127.0.0.1", false),
                Arguments.of("no wildcard for IP hosts", ipWildcard, "127.0.0.1", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void followsLibpqRules(String description, X509Certificate cert, String host, boolean accepted) {
        if (accepted) {
            assertThatCode(() -> PgHostnameVerifier.verify(cert, host, "h:5432")).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> PgHostnameVerifier.verify(cert, host, "h:5432"))
                    .isInstanceOf(PgTlsException.class)
                    .hasMessageContaining(host);
        }
    }

    /** The hosts libpq 18.0 accepted for each certificate shape (verify-full, hostaddr=127.0.0.1; libpq-harness). */
    private static final String[] HOSTS = {"common-name.pg-ssltest.test", "COMMON-NAME.pg-ssltest.test", "wronghost.test",
        "dns1.alt-name.pg-ssltest.test", "dns2.alt-name.pg-ssltest.test", "foo.alt-name.pg-ssltest.test",
        "a.foo.alt-name.pg-ssltest.test", "alt-name.pg-ssltest.test", ".alt-name.pg-ssltest.test", "192.0.2.1", "192.0.2.2",
        "2001:db8::1", "2001:DB8:0:0:0:0:0:1", "other.pg-ssltest.test", "x.pg-ssltest.test", "pg-ssltest.test"};

    static Stream<Arguments> recordedFromLibpq() {
        Map<X509Certificate, java.util.Set<String>> accepted = new java.util.LinkedHashMap<>();
        accepted.put(cert("CN=common-name.pg-ssltest.test"), java.util.Set.of("common-name.pg-ssltest.test", "COMMON-NAME.pg-ssltest.test"));
        accepted.put(cert("CN=common-name.pg-ssltest.test", dns("dns1.alt-name.pg-ssltest.test"), dns("dns2.alt-name.pg-ssltest.test")),
                java.util.Set.of("dns1.alt-name.pg-ssltest.test", "dns2.alt-name.pg-ssltest.test"));
        accepted.put(cert("CN=common-name.pg-ssltest.test", dns("*.alt-name.pg-ssltest.test")),
                java.util.Set.of("dns1.alt-name.pg-ssltest.test", "dns2.alt-name.pg-ssltest.test", "foo.alt-name.pg-ssltest.test"));
        accepted.put(cert("CN=common-name.pg-ssltest.test", ip("192.0.2.1"), ip("2001:DB8::1")), java.util.Set.of("common-name.pg-ssltest.test",
                "COMMON-NAME.pg-ssltest.test", "192.0.2.1", "2001:db8::1", "2001:DB8:0:0:0:0:0:1"));
        accepted.put(cert("CN=*.pg-ssltest.test"), java.util.Set.of("common-name.pg-ssltest.test", "COMMON-NAME.pg-ssltest.test",
                "alt-name.pg-ssltest.test", "other.pg-ssltest.test", "x.pg-ssltest.test"));
        accepted.put(cert("CN=192.0.2.1"), java.util.Set.of("192.0.2.1"));
        accepted.put(cert("CN=common-name.pg-ssltest.test", dns("dns1.alt-name.pg-ssltest.test"), ip("192.0.2.1")),
                java.util.Set.of("dns1.alt-name.pg-ssltest.test", "192.0.2.1"));
        accepted.put(cert("CN=dns1.alt-name.pg-ssltest.test", dns("other.pg-ssltest.test")), java.util.Set.of("other.pg-ssltest.test"));
        List<Arguments> cases = new ArrayList<>();
        for (Map.Entry<X509Certificate, java.util.Set<String>> e : accepted.entrySet()) {
            for (String host : HOSTS) {
                cases.add(Arguments.of(e.getKey().getSubjectX500Principal().getName() + " " + sans(e.getKey()), e.getKey(), host,
                        e.getValue().contains(host)));
            }
        }
        return cases.stream();
    }

    private static String sans(X509Certificate cert) {
        try {
            return String.valueOf(cert.getSubjectAlternativeNames());
        } catch (java.security.cert.CertificateParsingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** 128 cases modelled on libpq's 001_ssltests.pl certificates, each as libpq 18.0 decided it against a real server. */
    @ParameterizedTest(name = "{0} / {2} → {3}")
    @MethodSource("recordedFromLibpq")
    void agreesWithLibpq18(String description, X509Certificate cert, String host, boolean accepted) {
        followsLibpqRules(description, cert, host, accepted);
    }

    @Test
    void refusalNamesTheHostAndEveryNameOfTheCertificate() {
        X509Certificate cert = cert("CN=cn.example.com", dns("a.example.com"), dns("b.example.com"), ip("10.1.2.3"));
        assertThatThrownBy(() -> PgHostnameVerifier.verify(cert, "db.example.com", "db.example.com:5432"))
                .isInstanceOf(PgTlsException.class)
                .hasMessageContaining("\"db.example.com\"")
                .hasMessageContaining("a.example.com")
                .hasMessageContaining("b.example.com")
                .hasMessageContaining("10.1.2.3")
                .satisfies(e -> assertThat(((PgTlsException) e).host()).isEqualTo("db.example.com:5432"));
    }

    @Test
    void certificateWithoutAnyNameIsRefused() {
        X509Certificate cert = cert("O=no names here");
        assertThatThrownBy(() -> PgHostnameVerifier.verify(cert, "db.example.com", "h:1"))
                .isInstanceOf(PgTlsException.class)
                .hasMessageContaining("could not get the server's host name");
    }

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1, true", "::1, true", "[::1], true", "fe80::1%eth0, true", "2001:db8::8a2e:370:7334, true",
            "::ffff:10.0.0.1, true", "localhost, false", "db.example.com, false", "1.2.3, false",
            "256.1.1.1, false", "1.2.3.4.5, false", "'', false", "example.com., false"})
    void recognisesIpLiteralsWithoutDns(String host, boolean literal) {
        assertThat(PgHostnameVerifier.isIpLiteral(host)).isEqualTo(literal);
    }
}
