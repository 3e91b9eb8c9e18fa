package io.pgconn.sample.notes;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.HostSpec;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Names the server a row was written on the way health and {@code /api/hosts} name hosts
 * ({@code host:port} as configured), from what the server said about itself: the configured host with
 * that port when exactly one has it (the embedded cluster: two ports on localhost), else the server's
 * own {@code address:port}. R2DBC does not tell which host a pooled connection is on, so the row does.
 */
@Component
class ServerLabels {

    private final List<HostSpec> hosts;

    ServerLabels(PgConnectionFactory factory) {
        this.hosts = factory.config().hosts();
    }

    String of(Note note) {
        if (note.serverPort() == null) {
            return "unknown";
        }
        List<HostSpec> withPort = hosts.stream().filter(h -> h.port() == note.serverPort()).toList();
        if (withPort.size() == 1) {
            return withPort.get(0).label();
        }
        return (note.serverAddr() == null ? "local socket" : note.serverAddr()) + ":" + note.serverPort();
    }
}
