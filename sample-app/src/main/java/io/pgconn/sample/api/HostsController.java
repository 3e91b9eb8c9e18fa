package io.pgconn.sample.api;

import io.pgconn.PgConnectionFactory;
import io.pgconn.HostStatus;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/hosts}: what the factory remembers about each configured host (state, role, when it
 * last looked, the last error), in configuration order. Costs no connection.
 */
@RestController
class HostsController {

    private final PgConnectionFactory factory;

    HostsController(PgConnectionFactory factory) {
        this.factory = factory;
    }

    @GetMapping("/api/hosts")
    List<HostView> hosts() {
        return factory.hostStatuses().stream().map(HostView::of).toList();
    }

    /**
     * One host as the factory knows it.
     *
     * @param host          {@code host:port}
     * @param status        {@code up}, {@code down} or {@code unknown}
     * @param role          last known role: {@code primary}, {@code standby} or {@code unknown}
     * @param lastCheckedAt when the factory last connected or failed to; null before that
     * @param lastError     why the last attempt failed (never holds secrets); null when it worked
     */
    record HostView(String host, String status, String role, Instant lastCheckedAt, String lastError) {

        static HostView of(HostStatus s) {
            return new HostView(s.host(), s.state().label(), s.role().label(), s.lastCheckedAt(), s.lastError());
        }
    }
}
