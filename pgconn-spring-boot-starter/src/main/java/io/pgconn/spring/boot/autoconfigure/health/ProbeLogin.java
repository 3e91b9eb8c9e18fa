package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.config.TargetSessionAttrs;
import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A new probe session to one host and its role, within the probe timeout: this host alone, whatever
 * its role, no type look-up, TCP keepalive, named {@code <application_name>-health} in
 * {@code pg_stat_activity}. A login that does not make it in time (a server that accepts TCP and
 * never answers, a hanging authentication) is cancelled, which makes core abort it and close its
 * channel; a session that logged in but failed or was late to answer the role probe is closed: a
 * monitor adopts a session only from a login that succeeded (docs/starter.md §3).
 */
final class ProbeLogin {

    /** PostgreSQL's NAMEDATALEN - 1: what the server keeps of an {@code application_name}. */
    private static final int MAX_APPLICATION_NAME_BYTES = 63;

    private final PgConnectionFactory monitorFactory;

    private final ConnConfig hostConfig;

    private final Duration probeTimeout;

    /** A new session that answered the role probe, its answer, and the server it reached ({@code null}: not told). */
    record Answer(PgConnection session, ServerRole role, @Nullable ServerIdentity server) {
    }

    ProbeLogin(HostSpec host, PgConnectionFactory monitorFactory, ConnConfig applicationConfig, Duration probeTimeout) {
        this.monitorFactory = monitorFactory;
        this.probeTimeout = probeTimeout;
        this.hostConfig = applicationConfig.toBuilder().hosts(List.of(host))
                .applicationName(monitorApplicationName(applicationConfig.applicationName()))
                .targetSessionAttrs(TargetSessionAttrs.ANY).connectTimeout(probeTimeout)
                .hostConnectTimeout(probeTimeout).extensionTypes(List.of()).keepalives(true).build();
    }

    /**
     * {@code <application_name>-health}, or {@code pgconn-health} without one. The server keeps 63
     * bytes of it (NAMEDATALEN - 1): a long name is cut before the suffix, which is what tells a
     * monitor session from the application's own in {@code pg_stat_activity}.
     */
    static String monitorApplicationName(@Nullable String applicationName) {
        String suffix = "-health";
        if (applicationName == null || applicationName.isEmpty()) {
            return "pgconn" + suffix;
        }
        String base = applicationName;
        while ((base + suffix).getBytes(StandardCharsets.UTF_8).length > MAX_APPLICATION_NAME_BYTES) {
            base = base.substring(0, base.offsetByCodePoints(base.length(), -1));
        }
        return base + suffix;
    }

    /**
     * Logs in and asks the role and the server's identity ({@link ServerIdentity}: one statement more per login, none
     * per probe); fails, with nothing left open, when that takes longer than the probe timeout.
     */
    CompletableFuture<Answer> open() {
        CompletableFuture<PgConnection> login = this.monitorFactory.connect(this.hostConfig);
        CompletableFuture<Answer> answer = login.thenCompose(session -> session.currentRole()
                        .thenCompose(role -> ServerIdentity.of(session).thenApply(server -> new Answer(session, role, server))))
                .orTimeout(this.probeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        answer.whenComplete((answered, failure) -> {
            if (failure != null) {
                login.cancel(false);
                login.thenAccept(PgConnection::close);
            }
        });
        return answer;
    }
}
