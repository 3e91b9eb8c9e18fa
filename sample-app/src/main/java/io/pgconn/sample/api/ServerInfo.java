package io.pgconn.sample.api;

/**
 * Which server answered {@code GET /api/server}, and how the session was set up.
 *
 * @param host          {@code host:port} the factory landed on
 * @param role          the role seen at connect: {@code primary} or {@code standby}
 * @param serverVersion {@code server_version} as reported by the server
 * @param database      {@code current_database()}
 * @param user          {@code current_user}
 * @param inRecovery    {@code pg_is_in_recovery()}: true on a standby
 * @param processId     the backend's process id
 * @param tls           TLS as negotiated by the client, and the cipher the server reports
 * @param authMethod    the authentication method the server asked for, spelled as {@code require_auth} spells it
 *                      ({@code scram-sha-256-plus} when channel binding was used)
 * @param applicationName {@code application_name} as {@code pg_stat_activity} shows it: the starter's default,
 *                      {@code spring.application.name}
 */
public record ServerInfo(String host, String role, String serverVersion, String database, String user,
                         boolean inRecovery, int processId, Tls tls, String authMethod,
                         String applicationName) {

    /**
     * @param enabled  whether the session is encrypted
     * @param protocol e.g. {@code TLSv1.3}; null without TLS
     * @param cipher   the cipher from {@code pg_stat_ssl}; null without TLS
     */
    public record Tls(boolean enabled, String protocol, String cipher) {
    }
}
