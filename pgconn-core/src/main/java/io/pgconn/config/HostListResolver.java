package io.pgconn.config;


import java.util.ArrayList;
import java.util.List;

/**
 * Turns libpq's comma lists {@code host}, {@code hostaddr} and {@code port} into host specs, with
 * libpq's rules (docs/lifecycle.md §2.1): the number of hosts is the number of {@code hostaddr}
 * entries when given, else of {@code host} entries, else one; both lists must then agree; one
 * port applies to every host, otherwise there must be one per host; an empty entry means the
 * default ({@code localhost}, 5432). Entries are not trimmed, as in libpq: {@code host='a, b'} names
 * the host {@code " b"}, which no resolver knows, and {@code hostaddr=' 10.0.0.1'} is not an address.
 */
final class HostListResolver {

    private HostListResolver() {
    }

    /**
     * @param host     comma list or {@code null}/empty
     * @param hostaddr comma list or {@code null}/empty
     * @param port     comma list or {@code null}/empty
     */
    static List<HostSpec> resolve(String host, String hostaddr, String port) {
        // before any message quotes the host list: an '@' in it may be a password's tail (HostSpec#refuseAtSign)
        for (String name : split(host)) {
            HostSpec.refuseAtSign(name);
        }
        List<String> hosts = split(host);
        List<String> addrs = split(hostaddr);
        List<String> ports = split(port);
        int count = !addrs.isEmpty() ? addrs.size() : Math.max(hosts.size(), 1);
        if (!hosts.isEmpty() && hosts.size() != count) {
            throw SafeText.settingError("host", host, "could not match " + hosts.size() + " host names to " + count
                    + " hostaddr values (host=\"" + SafeText.excerpt(host) + "\", hostaddr=\"" + SafeText.excerpt(hostaddr) + "\")");
        }
        if (ports.size() > 1 && ports.size() != count) {
            throw SafeText.settingError("port", port, "could not match " + ports.size() + " port numbers to " + count
                    + " hosts (port=\"" + SafeText.excerpt(port) + "\"; expected one port for all hosts or one per host)");
        }
        List<HostSpec> specs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = hosts.isEmpty() ? "" : hosts.get(i);
            String addr = addrs.isEmpty() ? "" : addrs.get(i);
            String portText = ports.isEmpty() ? "" : ports.get(ports.size() == 1 ? 0 : i);
            int portNumber = HostSpec.parsePort(portText);
            if (name.isEmpty() && !addr.isEmpty()) {
                // libpq dials hostaddr alone, and matches .pgpass against it; it has no host name for verify-full
                specs.add(HostSpec.ofHostaddr(addr, portNumber));
                continue;
            }
            specs.add(new HostSpec(name.isEmpty() ? ConnDefaults.HOST : name, addr.isEmpty() ? null : addr, portNumber));
        }
        return List.copyOf(specs);
    }

    /** Splits a comma list, keeping entries as written (libpq); {@code null} or {@code ""} is the empty list. */
    private static List<String> split(String list) {
        if (list == null || list.isEmpty()) {
            return List.of();
        }
        return List.of(list.split(",", -1));
    }
}
