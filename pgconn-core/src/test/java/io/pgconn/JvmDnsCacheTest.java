package io.pgconn;

import io.pgconn.config.HostSpec;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JVM DNS cache's hint for a host given by name that answered in the wrong role (new user 24 F2): only for a name,
 * with the TTL read as the JDK reads it (networkaddress.cache.ttl, else sun.net.inetaddr.ttl, else 30 s).
 */
class JvmDnsCacheTest {

    private static final InetSocketAddress DIALLED = new InetSocketAddress(address("10.0.0.2"), 5432);

    private static final UnaryOperator<String> UNSET = name -> null;

    @Test
    void aNameNamesItsDialledAddressAndTheJdksDefaultTtl() {
        JvmDnsCache.LookedUp named = JvmDnsCache.lookedUp(HostSpec.of("pg-rw.svc.local", 5432), DIALLED).orElseThrow();
        assertThat(named).isEqualTo(new JvmDnsCache.LookedUp("pg-rw.svc.local", "10.0.0.2"));
        assertThat(named.wrongRoleHint(UNSET, UNSET)).isEqualTo("\"pg-rw.svc.local\" is a host name, and the JVM keeps the"
                + " addresses it looked up for 30 s (networkaddress.cache.ttl, the JDK's default): after a switchover that"
                + " repointed the name, 10.0.0.2 may be its old address; lower networkaddress.cache.ttl, before the first"
                + " look-up (docs/lifecycle.md §1.1)");
    }

    @Test
    void theSecurityPropertyComesFirstThenTheSystemProperty() {
        JvmDnsCache.LookedUp named = new JvmDnsCache.LookedUp("db", "10.0.0.2");
        assertThat(named.wrongRoleHint(Map.of("networkaddress.cache.ttl", "5")::get, Map.of("sun.net.inetaddr.ttl", "7")::get))
                .contains("keeps the addresses it looked up for 5 s (networkaddress.cache.ttl=5)");
        assertThat(named.wrongRoleHint(UNSET, Map.of("sun.net.inetaddr.ttl", "7")::get))
                .contains("for 7 s (sun.net.inetaddr.ttl=7)");
        // a value the JDK cannot read is skipped, as the JDK skips it
        assertThat(named.wrongRoleHint(Map.of("networkaddress.cache.ttl", "soon")::get, Map.of("sun.net.inetaddr.ttl", "7")::get))
                .contains("for 7 s (sun.net.inetaddr.ttl=7)");
        assertThat(named.wrongRoleHint(UNSET, Map.of("sun.net.inetaddr.ttl", "soon")::get))
                .contains("for 30 s (networkaddress.cache.ttl, the JDK's default)");
    }

    @Test
    void aNegativeTtlIsForEverAndZeroIsNoCache() {
        JvmDnsCache.LookedUp named = new JvmDnsCache.LookedUp("db", "10.0.0.2");
        assertThat(named.wrongRoleHint(Map.of("networkaddress.cache.ttl", "-1")::get, UNSET))
                .contains("keeps the addresses it looked up for ever (networkaddress.cache.ttl=-1)");
        assertThat(named.wrongRoleHint(Map.of("networkaddress.cache.ttl", "0")::get, UNSET))
                .isEqualTo("\"db\" is a host name, and the JVM does not cache its addresses (networkaddress.cache.ttl=0):"
                        + " 10.0.0.2 is what the system's name service answered (a DNS TTL, nscd or systemd-resolved may"
                        + " keep an old address after a switchover repointed the name)");
    }

    /**
     * NEW-USER-30 F2: every re-connect to {@code localhost} logged the hint. {@code localhost} and names under
     * {@code .localhost} never go to DNS (RFC 6761): nothing to repoint, no hint; a name that only starts so does.
     */
    @Test
    void localhostNamesAreNoLookedUpName() {
        InetSocketAddress loopback = new InetSocketAddress(address("127.0.0.1"), 5432);
        assertThat(JvmDnsCache.lookedUp(HostSpec.of("localhost", 5432), loopback)).isEmpty();
        assertThat(JvmDnsCache.lookedUp(HostSpec.of("LocalHost.", 5432), loopback)).isEmpty();
        assertThat(JvmDnsCache.lookedUp(HostSpec.of("db1.localhost", 5432), loopback)).isEmpty();
        assertThat(JvmDnsCache.wrongRoleHint(HostSpec.of("localhost", 5432), loopback)).isEmpty();
        assertThat(JvmDnsCache.lookedUp(HostSpec.of("localhost.example.com", 5432), loopback)).isPresent();
        assertThat(JvmDnsCache.lookedUp(HostSpec.of("mylocalhost", 5432), loopback)).isPresent();
    }

    @Test
    void noHintWhereNoNameWasLookedUp() {
        assertThat(JvmDnsCache.lookedUp(HostSpec.of("10.0.0.2", 5432), DIALLED)).isEmpty();
        assertThat(JvmDnsCache.lookedUp(HostSpec.of("::1", 5432), new InetSocketAddress(address("::1"), 5432))).isEmpty();
        assertThat(JvmDnsCache.lookedUp(new HostSpec("db", "10.0.0.2", 5432), DIALLED)).as("hostaddr: no DNS").isEmpty();
        assertThat(JvmDnsCache.lookedUp(HostSpec.of("/tmp", 5432), UnixDomainSocketAddress.of("/tmp/.s.PGSQL.5432")))
                .isEmpty();
        assertThat(JvmDnsCache.wrongRoleHint(HostSpec.of("10.0.0.2", 5432), DIALLED)).isEmpty();
        assertThat(JvmDnsCache.wrongRoleHint(HostSpec.of("db", 5432), DIALLED)).isPresent();
    }

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip); // a literal: no look-up
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
