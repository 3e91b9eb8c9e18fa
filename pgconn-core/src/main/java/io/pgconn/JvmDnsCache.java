package io.pgconn;

import io.netty.util.NetUtil;
import io.pgconn.config.HostSpec;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.Security;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What the JVM's cache of host-name look-ups means for a host given by name that answered in the wrong role. pgconn
 * resolves names with {@code InetAddress.getAllByName} (the system resolver, as libpq's {@code getaddrinfo}), and the
 * JVM keeps each answer for {@code networkaddress.cache.ttl} seconds — 30 by default — where libpq asks again at every
 * connect. So after a switchover that repoints a name (Patroni/Consul, a cloud writer endpoint, a Kubernetes service),
 * pgconn dials the name's old address, now a standby, until the entry expires: every connect is refused by
 * {@code target_session_attrs}, nothing is written there (new user 24 F2: 25 s, 116 such connects). The
 * role-mismatch message ({@link PgRoleMismatchException}) and the starter's "no acceptable host" WARN say so with
 * {@link #wrongRoleHint}, so the user who meets it learns the setting at that moment (docs/lifecycle.md §1.1).
 *
 * <p>The TTL is read as the JDK reads it ({@code sun.net.InetAddressCachePolicy}): the security property
 * {@code networkaddress.cache.ttl}, else the system property {@code sun.net.inetaddr.ttl}, else 30 s; a negative
 * value is "for ever", 0 "not cached". The JDK reads it once, at its first look-up: a value set later is read here
 * but does not apply (docs/lifecycle.md §1.1 says to set it before the first look-up).
 */
public final class JvmDnsCache {

    /** The JDK's own default positive TTL (no security manager), in seconds. */
    static final int JDK_DEFAULT_TTL_SECONDS = 30;

    private JvmDnsCache() {
    }

    /**
     * The hint for {@code host}, which answered on {@code dialled} in a role {@code target_session_attrs} does not
     * accept — empty unless {@code host} was looked up by name ({@link #lookedUp}): only then can the JVM's cache have
     * chosen the address.
     */
    public static Optional<String> wrongRoleHint(HostSpec host, SocketAddress dialled) {
        return lookedUp(host, dialled).map(LookedUp::wrongRoleHint);
    }

    /**
     * {@code host}'s name and the address dialled for it, when pgconn looked the name up (AddressResolver): empty for
     * an IP address, a {@code hostaddr}, a Unix socket, a {@code dialled} that is no IP socket address, and for
     * {@code localhost} and names under {@code .localhost}, which never go to DNS (RFC 6761 §6.3: they are the loopback
     * address, and no switchover repoints them) — NEW-USER-30 F2: the hint was logged at every re-connect to
     * {@code localhost}.
     */
    public static Optional<LookedUp> lookedUp(HostSpec host, SocketAddress dialled) {
        boolean name = !host.isUnixSocket() && (host.hostaddr() == null || host.hostaddr().isEmpty())
                && NetUtil.createByteArrayFromIpAddressString(host.host()) == null && !isLocalhost(host.host());
        if (!name || !(dialled instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return Optional.empty();
        }
        return Optional.of(new LookedUp(host.host(), NetUtil.toAddressString(inet.getAddress())));
    }

    /** {@code localhost}, {@code localhost.} or a name under {@code .localhost} (RFC 6761 §6.3), in any case. */
    static boolean isLocalhost(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        String bare = lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
        return bare.equals("localhost") || bare.endsWith(".localhost");
    }

    /**
     * A host name and the one of its addresses a session was dialled on.
     *
     * @param name    the host name as configured
     * @param address the address dialled, as text ({@code 10.0.0.1}, {@code 2001:db8::1})
     */
    public record LookedUp(String name, String address) {

        /**
         * Why a server in the wrong role on {@link #address} may be the name's old address, with the JVM's TTL as it
         * reads now, and what to do: one sentence, for a {@code HINT:} line or the end of a log line.
         */
        public String wrongRoleHint() {
            return wrongRoleHint(Security::getProperty, System::getProperty);
        }

        /**
         * {@link #wrongRoleHint()} for a name looked up with {@code hostResolver=netty-dns}, which the JVM's cache does not
         * keep: Netty's cache keeps the answer for the DNS record's TTL, at most 30 s (docs/lifecycle.md §1.1.1).
         */
        public String nettyDnsWrongRoleHint() {
            return "\"" + name + "\" is a host name, looked up with hostResolver=netty-dns, which keeps each answer for its DNS"
                    + " record's TTL (at most 30 s): after a switchover that repointed the name, " + address + " may be its old"
                    + " address until that record expires; the name's TTL is set where the name is served (docs/lifecycle.md §1.1.1)";
        }

        /** {@link #wrongRoleHint()} with the two property sources as seams for tests. */
        String wrongRoleHint(UnaryOperator<String> security, UnaryOperator<String> system) {
            Ttl ttl = Ttl.read(security, system);
            String quoted = "\"" + name + "\"";
            if (ttl.seconds == 0) {
                return quoted + " is a host name, and the JVM does not cache its addresses (" + ttl.source + "): "
                        + address + " is what the system's name service answered (a DNS TTL, nscd or systemd-resolved"
                        + " may keep an old address after a switchover repointed the name)";
            }
            String kept = ttl.seconds < 0 ? "for ever" : "for " + ttl.seconds + " s";
            return quoted + " is a host name, and the JVM keeps the addresses it looked up " + kept + " (" + ttl.source
                    + "): after a switchover that repointed the name, " + address + " may be its old address; lower"
                    + " networkaddress.cache.ttl, before the first look-up (docs/lifecycle.md §1.1)";
        }
    }

    /** The positive TTL in seconds (negative: for ever) and where it came from, for the message. */
    private record Ttl(int seconds, String source) {

        static Ttl read(UnaryOperator<String> security, UnaryOperator<String> system) {
            String set = security.apply("networkaddress.cache.ttl");
            if (set != null) {
                try {
                    return of(Integer.parseInt(set.trim()), "networkaddress.cache.ttl");
                } catch (NumberFormatException ignored) {
                    // the JDK ignores a value it cannot read too, and goes on to the system property
                }
            }
            String fallback = system.apply("sun.net.inetaddr.ttl");
            if (fallback != null) {
                try {
                    return of(Integer.decode(fallback.trim()), "sun.net.inetaddr.ttl");
                } catch (NumberFormatException ignored) {
                    // as the JDK: the default applies
                }
            }
            return new Ttl(JDK_DEFAULT_TTL_SECONDS, "networkaddress.cache.ttl, the JDK's default");
        }

        private static Ttl of(int seconds, String property) {
            return new Ttl(seconds < 0 ? -1 : seconds, property + "=" + seconds);
        }
    }
}
