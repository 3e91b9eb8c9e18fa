package io.pgconn.config;

import io.pgconn.PgConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostSpecTest {

    @ParameterizedTest(name = "{0}:{1}")
    @CsvSource(delimiter = '|', textBlock = """
            db.example            | 5432 | db.example:5432           | false
            127.0.0.1             | 6432 | 127.0.0.1:6432            | false
            ::1                   | 5432 | [::1]:5432                | false
            fe80::1%eth0          | 5432 | [fe80::1%eth0]:5432       | false
            /var/run/postgresql   | 5432 | /var/run/postgresql/.s.PGSQL.5432 | true
            /tmp/                 | 5433 | /tmp/.s.PGSQL.5433        | true
            @pg                   | 5434 | @pg/.s.PGSQL.5434         | true
            """)
    void labels(String host, int port, String label, boolean socket) {
        HostSpec spec = HostSpec.of(host, port);
        assertThat(spec.label()).isEqualTo(label);
        assertThat(spec.isUnixSocket()).isEqualTo(socket);
        assertThat(spec.dialAddress()).isEqualTo(host);
        if (socket) {
            assertThat(spec.socketPath()).isEqualTo(label);
        }
    }

    @Test
    void hostaddrIsDialled() {
        HostSpec spec = new HostSpec("db.example", "10.0.0.7", 5432);
        assertThat(spec.dialAddress()).isEqualTo("10.0.0.7");
        assertThat(spec.label()).isEqualTo("db.example:5432");
        assertThat(spec.toString()).isEqualTo("db.example:5432 (10.0.0.7)");
        assertThat(new HostSpec("h", "", 1).hostaddr()).isNull();
    }

    /** libpq: hostaddr is dialled over TCP even when host names a socket directory; the host still names it (.pgpass). */
    @Test
    void aSocketDirectoryWithHostaddrIsDialledOverTcp() {
        HostSpec spec = new HostSpec("/var/run/postgresql", "127.0.0.1", 5432);
        assertThat(spec.isUnixSocket()).isFalse();
        assertThat(spec.namesSocketDirectory()).isTrue();
        assertThat(spec.dialAddress()).isEqualTo("127.0.0.1");
        assertThat(HostSpec.of("/var/run/postgresql", 5432).namesSocketDirectory()).isTrue();
        assertThat(HostSpec.of("db.example", 5432).namesSocketDirectory()).isFalse();
    }

    /**
     * libpq 14+ reads a host starting with {@code @} as a socket directory in Linux's abstract namespace (LIBPQ-14
     * us01–us04: {@code host=@lpq14} and {@code postgresql://%40lpq14:p/db} connect to a server with
     * {@code unix_socket_directories = '@lpq14'}); pgconn refused it as a host name holding {@code @}. An {@code @}
     * elsewhere is still refused (a URI password's tail, §9).
     */
    @Test
    void aHostStartingWithAnAtSignIsAnAbstractSocketDirectory() {
        ConnConfig keywords = ConnConfig.parse("host=@lpq14 port=5433", EnvironmentSource.none());
        assertThat(keywords.hosts().get(0).isUnixSocket()).isTrue();
        assertThat(keywords.hosts().get(0).socketPath()).isEqualTo("@lpq14/.s.PGSQL.5433");
        ConnConfig uri = ConnConfig.parse("postgresql://%40lpq14:5433/db", EnvironmentSource.none());
        assertThat(uri.hosts().get(0).socketPath()).isEqualTo("@lpq14/.s.PGSQL.5433");
        assertThatThrownBy(() -> ConnConfig.parse("host=pass@db", EnvironmentSource.none()))
                .isInstanceOf(PgConfigException.class).hasMessageContaining("cannot contain '@'");
    }

    @Test
    void socketPathOnlyForSockets() {
        assertThatThrownBy(() -> HostSpec.of("h", 5432).socketPath()).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            db.example          | db.example          | 5432
            db.example:6000     | db.example          | 6000
            ' db.example:6000 ' | db.example          | 6000
            [::1]:6000          | ::1                 | 6000
            [::1]               | ::1                 | 5432
            ::1                 | ::1                 | 5432
            db.example:         | db.example          | 5432
            /var/run/postgresql | /var/run/postgresql | 5432
            """)
    void parses(String text, String host, int port) {
        assertThat(HostSpec.parse(text)).isEqualTo(HostSpec.of(host, port));
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            db:abc   | invalid port value: "abc"
            db:0     | invalid port value: "0"
            db:65536 | invalid port value: "65536"
            [::1     | missing ']'
            [::1]x   | expected ':' after ']'
            ''       | invalid host value
            """)
    void rejects(String text, String message) {
        assertThatThrownBy(() -> HostSpec.parse(text)).isInstanceOf(PgConfigException.class).hasMessageContaining(message);
    }

    /**
     * An IPv4 address with a leading-zero or hexadecimal part: libpq (getaddrinfo, inet_aton's rules) reads 010 as
     * octal and 0x as hexadecimal, the JDK reads 010 as decimal and no hexadecimal at all, so the same text would
     * reach another server (0177.0.0.1 is 127.0.0.1 to libpq, 177.0.0.1 to the JDK). Refused, naming libpq's reading
     * (PARITY-19: libpq dialled 127.0.0.8 for host=127.0.0.010, pgconn 127.0.0.10).
     */
    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.010 | libpq reads this one as 127.0.0.8
            0177.0.0.1  | libpq reads this one as 127.0.0.1
            0x7f000001  | libpq reads this one as 127.0.0.1
            0x7f.1      | libpq reads this one as 127.0.0.1
            10.0.0.08   | libpq reads no address in this one
            00010.0.0.1 | libpq reads this one as 8.0.0.1
            0xdb        | libpq reads this one as 0.0.0.219
            """)
    void refusesAnIpv4AddressLibpqAndTheJdkReadDifferently(String host, String libpqReading) {
        assertThatThrownBy(() -> HostSpec.of(host, 5432)).isInstanceOf(PgConfigException.class)
                .hasMessageStartingWith("invalid host value: \"" + host + "\" (expected a host name, or an IPv4 address in dotted decimal"
                        + " without leading zeros")
                .hasMessageContaining(libpqReading)
                .satisfies(e -> assertThat(((PgConfigException) e).keyword()).contains("host"));
    }

    /** Forms libpq and the JDK read alike (inet_aton's short and single-number forms), and names that only look numeric, stay. */
    @ParameterizedTest(name = "[{0}]")
    @CsvSource(textBlock = """
            127.1
            2130706433
            127.000.0.1
            127.0.0.07
            00
            10.0.0.0
            0.0.0.0
            1e100
            0x.example
            0x
            10.0x
            010.example
            """)
    void keepsWhatLibpqAndTheJdkReadAlike(String host) {
        assertThat(HostSpec.of(host, 5432).dialAddress()).isEqualTo(host);
    }

    /**
     * A host holding ':' that is no IPv6 address — mostly a port written into the host ({@code host=db:5432}) — can never
     * be dialled: libpq fails to look it up, the JDK called it "invalid IPv6 address literal". Refused before dialling,
     * saying where the port goes.
     */
    @ParameterizedTest(name = "[{0}]")
    @CsvSource(textBlock = """
            db.example:5432
            127.0.0.1:5432
            [::1]:5432
            ::1::2
            """)
    void refusesAColonThatIsNoIpv6Address(String host) {
        assertThatThrownBy(() -> HostSpec.of(host, 5432)).isInstanceOf(PgConfigException.class)
                .hasMessage("invalid host value: \"" + host + "\" (expected a host name, IP address or socket directory; a host name"
                        + " cannot contain ':': give the port in port, or as host:port in a URI)");
    }

    /** With hostaddr the host is only a name (TLS, .pgpass), never dialled: both read it alike, so it stays. */
    @Test
    void aHostBesideHostaddrIsOnlyANameAndStays() {
        assertThat(new HostSpec("0177.0.0.1", "127.0.0.1", 5432).dialAddress()).isEqualTo("127.0.0.1");
        assertThat(new HostSpec("db.example:5432", "127.0.0.1", 5432).host()).isEqualTo("db.example:5432");
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(textBlock = """
            ::1
            [::1]
            fe80::1%lo
            ::ffff:127.0.0.1
            /tmp/a:b
            @abs:x
            """)
    void keepsIpv6AddressesAndSocketDirectoriesWithColons(String host) {
        assertThat(HostSpec.of(host, 5432).host()).isEqualTo(host);
    }

    @Test
    void rejectsBadHostaddrAndPort() {
        assertThatThrownBy(() -> new HostSpec("h", "not-an-ip", 5432)).hasMessageContaining("invalid hostaddr value: \"not-an-ip\"");
        assertThatThrownBy(() -> HostSpec.of("h", 70000)).hasMessageContaining("invalid port value: \"70000\"");
        assertThatThrownBy(() -> HostSpec.of(" ", 5432)).hasMessageContaining("invalid host value");
    }
}
