package io.pgconn.testkit;

import java.util.Objects;

/**
 * One {@code pg_hba.conf} rule for one user, on all databases; TCP types cover the loopback addresses only.
 *
 * @param type   local / host / hostssl / hostnossl
 * @param method the authentication method
 */
public record HbaRule(ConnectionType type, AuthMethod method) {

    /**
     * Checks the combinations PostgreSQL rejects.
     *
     * @param type   local / host / hostssl / hostnossl
     * @param method the authentication method
     */
    public HbaRule {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(method, "method");
        if (method == AuthMethod.CERT && type != ConnectionType.HOSTSSL) {
            throw new IllegalArgumentException("cert authentication needs HOSTSSL, not " + type);
        }
    }

    /** @return the pg_hba.conf lines of this rule for {@code user} (one per loopback address for TCP) */
    String lines(String user, boolean ipv6) {
        String u = '"' + user.replace("\"", "\"\"") + '"';
        if (type == ConnectionType.LOCAL) {
            return String.format("%-10s %-12s %-20s %-20s %s%n", "local", "all", u, "", method.hbaName());
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-10s %-12s %-20s %-20s %s%n", type.hbaName(), "all", u, "127.0.0.1/32",
                method.hbaName()));
        if (ipv6) {
            sb.append(String.format("%-10s %-12s %-20s %-20s %s%n", type.hbaName(), "all", u, "::1/128",
                    method.hbaName()));
        }
        return sb.toString();
    }
}
