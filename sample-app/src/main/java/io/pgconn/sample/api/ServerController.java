package io.pgconn.sample.api;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.QueryResult;
import java.util.concurrent.CompletableFuture;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/server}: opens a connection through the factory (so through its failover logic,
 * TLS and authentication), asks the server who it is, and closes the connection.
 */
@RestController
class ServerController {

    /** What the server says about this very session: the client's view is checked against it. */
    static final String WHO_AM_I = """
            SELECT inet_server_port() AS port, pg_is_in_recovery() AS in_recovery,
                   current_user AS "user", current_database() AS database,
                   a.application_name, s.ssl, s.version AS tls_version, s.cipher
            FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid WHERE s.pid = pg_backend_pid()""";

    private final PgConnectionFactory factory;

    ServerController(PgConnectionFactory factory) {
        this.factory = factory;
    }

    @GetMapping("/api/server")
    CompletableFuture<ServerInfo> server() {
        return factory.connect().thenCompose(connection -> connection.simpleQuery(WHO_AM_I)
                .thenApply(result -> describe(connection, result))
                .whenComplete((info, error) -> connection.close()));
    }

    private static ServerInfo describe(PgConnection connection, QueryResult whoAmI) {
        return new ServerInfo(
                connection.host(),
                connection.role().label(),
                connection.serverVersion(),
                whoAmI.value(0, "database"),
                whoAmI.value(0, "user"),
                "t".equals(whoAmI.value(0, "in_recovery")),
                connection.processId(),
                new ServerInfo.Tls(connection.tlsProtocol().isPresent(), connection.tlsProtocol().orElse(null),
                        whoAmI.value(0, "cipher")),
                connection.authMethod().requireAuthName(),
                whoAmI.value(0, "application_name"));
    }
}
