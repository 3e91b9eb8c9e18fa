package io.pgconn.config;

import io.netty.util.NetUtil;
import io.pgconn.PgConfigException;

/**
 * One server to try: a host name, IP literal or Unix-socket directory; the optional numeric
 * address to dial instead of resolving the name (libpq's {@code hostaddr}); and the port.
 *
 * <p>The host name is kept even when {@code hostaddr} is given, because TLS verifies against the
 * name. When only {@code hostaddr} was configured, the host is that address (libpq then uses the
 * address for {@code .pgpass} matching too) and {@code hostaddrOnly} is true: there is no host name,
 * so {@code sslmode=verify-full} refuses the host ({@link #tlsHostName()}; libpq: "host name must be
 * specified for a verified SSL connection").
 *
 * @param host         host name, IP literal (IPv6 without brackets), socket directory starting with {@code /}, or
 *                     abstract socket directory starting with {@code @}
 * @param hostaddr     numeric IPv4/IPv6 address to dial, or {@code null}
 * @param port         TCP port, or the number in the socket file name {@code .s.PGSQL.<port>}
 * @param hostaddrOnly whether the entry gave {@code hostaddr} and no host name ({@code host} is then the
 *                     address); false without {@code hostaddr}
 */
public record HostSpec(String host, String hostaddr, int port, boolean hostaddrOnly) {

    /** A host entry with a host name (and {@code hostaddr}, if not {@code null}). */
    public HostSpec(String host, String hostaddr, int port) {
        this(host, hostaddr, port, false);
    }

    /** Validates at construction, so a bad host never reaches the dialler. */
    public HostSpec {
        if (host == null || host.isBlank() || host.indexOf('\0') >= 0) {
            throw SafeText.settingError("host", host, "invalid host value: \"" + SafeText.excerpt(host) + "\" (expected a host name, IP address or socket directory)");
        }
        refuseAtSign(host);
        if (hostaddr != null && hostaddr.isEmpty()) {
            hostaddr = null;
        }
        if (hostaddr == null && !host.startsWith("/") && !host.startsWith("@")) {
            refuseWhatCannotBeDialledAlike(host); // with hostaddr, the host is only a name (TLS, .pgpass), never dialled
        }
        if (hostaddr != null && !isIpLiteral(hostaddr)) {
            throw SafeText.settingError("hostaddr", hostaddr, "invalid hostaddr value: \"" + SafeText.excerpt(hostaddr)
                    + "\" (expected a numeric IPv4 address, dotted decimal without leading zeros, or an IPv6 address)");
        }
        checkPort(port);
        hostaddrOnly = hostaddrOnly && hostaddr != null;
    }

    /** An entry of {@code hostaddr} alone (libpq's {@code hostaddr=10.0.0.1} without {@code host}): dialled and named by the address. */
    public static HostSpec ofHostaddr(String hostaddr, int port) {
        return new HostSpec(hostaddr, hostaddr, port, true);
    }

    /**
     * The name SNI sends and {@code sslmode=verify-full} checks the server certificate against: the
     * host, or {@code null} for an entry of {@code hostaddr} alone, which has no host name (libpq).
     */
    public String tlsHostName() {
        return hostaddrOnly ? null : host;
    }

    /**
     * Refuses a host name holding {@code @}. No host name or IP literal contains one, but an unescaped
     * {@code @} in a URI password ({@code postgresql://app:p@ss@db}) moves the password's tail into the
     * host (libpq, too, ends the user-info at the first {@code @}), and a host name is printed everywhere
     * (messages, health, metric tags, logs). So the error quotes neither the host nor any part of it.
     * A socket directory (starting with {@code /}) is a path, which may hold {@code @}, and is left alone; so is a
     * host that starts with {@code @}: libpq's abstract Unix socket ({@link #namesSocketDirectory()}).
     */
    static void refuseAtSign(String host) {
        if (host != null && !host.startsWith("/") && !host.startsWith("@") && host.indexOf('@') >= 0) {
            throw PgConfigException.ofSetting("host", null, AT_SIGN_IN_HOST);
        }
    }

    /**
     * Refuses a host that pgconn would dial otherwise than libpq, or that can never be dialled (docs/lifecycle.md §9):
     * an IPv4 address with a leading-zero or hexadecimal part ({@link InetAtonReading}: libpq reads {@code 127.0.0.010}
     * as 127.0.0.8, the JDK as 127.0.0.10), and a ':' in what is no IPv6 address — mostly a port written into the host
     * ({@code host=db:5432}), which libpq fails to look up and the JDK called an invalid IPv6 literal.
     */
    private static void refuseWhatCannotBeDialledAlike(String host) {
        if (InetAtonReading.differsFromJdk(host)) {
            String libpq = InetAtonReading.libpqAddress(host);
            throw SafeText.settingError("host", host, "invalid host value: \"" + SafeText.excerpt(host) + "\" (expected a host name,"
                    + " or an IPv4 address in dotted decimal without leading zeros: libpq reads a leading 0 as octal and 0x as"
                    + " hexadecimal, Java reads neither, so "
                    + (libpq == null ? "libpq reads no address in this one and looks it up as a name, while Java reads one"
                    : "libpq reads this one as " + libpq + ", Java as another address or none")
                    + "; write the address meant)");
        }
        if (host.indexOf(':') >= 0) {
            boolean bracketed = host.startsWith("[") && host.endsWith("]");
            String address = bracketed ? host.substring(1, host.length() - 1) : host;
            if (address.indexOf(':') < 0 || !isIpLiteral(address)) {
                throw SafeText.settingError("host", host, "invalid host value: \"" + SafeText.excerpt(host) + "\" (expected a host name,"
                        + " IP address or socket directory; a host name cannot contain ':': give the port in port, or as host:port"
                        + " in a URI)");
            }
        }
    }

    /** The message for a host holding {@code @}; names no part of the value. */
    static final String AT_SIGN_IN_HOST =
            "invalid host value: a host name cannot contain '@': percent-encode '@' in the user or password as %40";

    /** A host without {@code hostaddr}. */
    public static HostSpec of(String host, int port) {
        return new HostSpec(host, null, port);
    }

    /**
     * Parses {@code host}, {@code host:port}, {@code [ipv6]:port}, a bare IPv6 literal or a socket
     * directory ({@code /var/run/postgresql}, port 5432; {@code /tmp:5433} is not supported since
     * a path may contain colons). Meant for lists such as the starter's {@code hosts} property.
     */
    public static HostSpec parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.startsWith("/")) {
            return of(s, ConnDefaults.PORT);
        }
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw SafeText.settingError("host", text, "invalid host value: \"" + SafeText.excerpt(text) + "\" (missing ']' after IPv6 address)");
            }
            String rest = s.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw SafeText.settingError("host", text, "invalid host value: \"" + SafeText.excerpt(text) + "\" (expected ':' after ']')");
            }
            return of(s.substring(1, close), rest.isEmpty() ? ConnDefaults.PORT : parsePort(rest.substring(1)));
        }
        int colon = s.indexOf(':');
        if (colon < 0 || s.indexOf(':', colon + 1) >= 0) {
            // no colon, or several: a bare IPv6 literal without port
            return of(s, ConnDefaults.PORT);
        }
        return of(s.substring(0, colon), parsePort(s.substring(colon + 1)));
    }

    /**
     * Parses a port number with libpq's integer rule (optional sign, decimal digits, surrounding spaces
     * allowed); empty means the default, blank is refused (as libpq refuses it).
     */
    static int parsePort(String text) {
        if (text.isEmpty()) {
            return ConnDefaults.PORT;
        }
        int port;
        try {
            port = ValueParsers.integer("port", text);
        } catch (PgConfigException notAnInteger) {
            port = 0;
        }
        if (port < 1 || port > 65535) {
            throw SafeText.settingError("port", text, "invalid port value: \"" + SafeText.excerpt(text) + "\" (expected an integer from 1 to 65535)");
        }
        return port;
    }

    private static int checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw SafeText.settingError("port", String.valueOf(port), "invalid port value: \"" + port + "\" (expected an integer from 1 to 65535)");
        }
        return port;
    }

    /**
     * A numeric address as inet_pton reads it. libpq reads {@code hostaddr} with inet_aton's older rules too,
     * where {@code 127.1} is 127.0.0.1 and a leading zero makes an octet octal ({@code 127.0.0.010} is
     * 127.0.0.8); those forms are refused (docs/lifecycle.md §9), never read with another meaning.
     */
    static boolean isIpLiteral(String s) {
        // strip an IPv6 zone (fe80::1%eth0) before the syntax check; Netty does not accept it
        int zone = s.indexOf('%');
        String address = zone >= 0 && s.indexOf(':') >= 0 ? s.substring(0, zone) : s;
        if (address.indexOf(':') < 0) {
            return NetUtil.isValidIpV4Address(address) && !hasLeadingZero(address);
        }
        return NetUtil.isValidIpV6Address(address);
    }

    private static boolean hasLeadingZero(String dottedQuad) {
        for (String octet : dottedQuad.split("\\.")) {
            if (octet.length() > 1 && octet.charAt(0) == '0') {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether this entry is dialled as a Unix-domain socket: the host is a socket directory (starts with {@code /})
     * and no {@code hostaddr} is given. With {@code hostaddr}, libpq dials that address over TCP whatever the host
     * says; the host then only names the server ({@code .pgpass} matches it, see {@link #namesSocketDirectory()}).
     */
    public boolean isUnixSocket() {
        return hostaddr == null && namesSocketDirectory();
    }

    /**
     * Whether the host is a socket directory (starts with {@code /}), dialled or not ({@link #isUnixSocket()}) — or,
     * starting with {@code @}, a directory in Linux's abstract socket namespace (libpq 14+: {@code host=@name} dials
     * the abstract socket {@code @name/.s.PGSQL.<port>}, which a server with {@code unix_socket_directories = '@name'}
     * listens on; LIBPQ-14 us01–us04).
     */
    public boolean namesSocketDirectory() {
        return host.startsWith("/") || host.startsWith("@");
    }

    /** {@code <dir>/.s.PGSQL.<port>}; only for {@link #isUnixSocket() socket} hosts. */
    public String socketPath() {
        if (!isUnixSocket()) {
            throw new IllegalStateException(host + " is not a Unix-socket directory");
        }
        return (host.endsWith("/") ? host : host + "/") + ".s.PGSQL." + port;
    }

    /** {@code host:port} ({@code [::1]:5432} for IPv6), or the socket path: how messages name this host. */
    public String label() {
        if (isUnixSocket()) {
            return socketPath();
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** What to dial: {@code hostaddr} when set (no DNS), else the host. */
    public String dialAddress() {
        return hostaddr != null ? hostaddr : host;
    }

    @Override
    public String toString() {
        return hostaddr == null ? label() : label() + " (" + hostaddr + ")";
    }
}
