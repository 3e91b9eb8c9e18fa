package io.pgconn.spring.boot.autoconfigure.metrics;

/**
 * {@code server.address} and {@code server.port} (OpenTelemetry semantic conventions) of a host
 * label as core reports it: {@code host:port}, {@code [ipv6]:port}, or a socket path
 * {@code /dir/.s.PGSQL.<port>}.
 */
record ServerAddress(String address, String port) {

    private static final String SOCKET_PREFIX = ".s.PGSQL.";

    static ServerAddress of(String label) {
        int socket = label.lastIndexOf('/' + SOCKET_PREFIX);
        if (label.startsWith("/") && socket >= 0) {
            return new ServerAddress(label, label.substring(socket + 1 + SOCKET_PREFIX.length()));
        }
        int colon = label.lastIndexOf(':');
        if (colon < 0) {
            return new ServerAddress(label, "");
        }
        String host = label.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new ServerAddress(host, label.substring(colon + 1));
    }
}
