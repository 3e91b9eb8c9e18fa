package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.trace.PgTracer;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Adapts core's {@link PgTracer} to Micrometer: one {@value #CONNECT} observation per
 * {@code connect()}, with a {@value #ATTEMPT} child per host attempt. Key names follow the
 * OpenTelemetry database conventions where they exist ({@code db.system.name},
 * {@code db.namespace}, {@code server.address}, {@code server.port}).
 */
public final class PgConnObservationTracer implements PgTracer {

    static final String CONNECT = "pg.conn.connect";

    static final String ATTEMPT = "pg.conn.connect.attempt";

    private final ObservationRegistry registry;

    private final Supplier<@Nullable ConnConfig> factoryConfig;

    private final Map<Long, Observation> connects = new ConcurrentHashMap<>();

    /** Host attempts of one connect run one after another: the current one per connect. */
    private final Map<Long, Observation> attempts = new ConcurrentHashMap<>();

    private volatile @Nullable ConnConfig config;

    /** {@code factory} is looked up at the first connect: it is created with this tracer. */
    public PgConnObservationTracer(ObservationRegistry registry, ObjectProvider<PgConnectionFactory> factory) {
        this.registry = registry;
        this.factoryConfig = () -> {
            PgConnectionFactory unique = factory.getIfUnique();
            return unique != null ? unique.config() : null;
        };
    }

    /** For a factory of the application's own, built with {@code config} ({@link io.pgconn.spring.boot.autoconfigure.PgConnFactoryTracers}). */
    public PgConnObservationTracer(ObservationRegistry registry, ConnConfig config) {
        this.registry = registry;
        this.factoryConfig = () -> config;
    }

    @Override
    public void connectStarted(ConnectStarted event) {
        Observation observation = Observation.createNotStarted(CONNECT, this.registry)
                .contextualName("pg.conn connect")
                .lowCardinalityKeyValue("db.system.name", "postgresql")
                .lowCardinalityKeyValue("target.session.attrs", event.targetSessionAttrs().libpqName());
        ConnConfig config = config();
        if (config != null) {
            observation.lowCardinalityKeyValue("ssl.mode", config.sslMode().libpqName())
                    .highCardinalityKeyValue("db.namespace", config.database());
        }
        this.connects.put(event.connectId(), observation.start());
    }

    @Override
    public void hostAttemptStarted(HostAttemptStarted event) {
        Observation parent = this.connects.get(event.connectId());
        Observation attempt = Observation.createNotStarted(ATTEMPT, this.registry)
                .contextualName("pg.conn connect " + event.host())
                .parentObservation(parent)
                .lowCardinalityKeyValue("db.system.name", "postgresql")
                .highCardinalityKeyValue("server.address", serverAddress(event.hostSpec(), event.host()))
                .highCardinalityKeyValue("server.port", port(event.port()))
                .highCardinalityKeyValue("network.peer.address", peerAddress(event.socketAddress()))
                .start();
        Observation previous = this.attempts.put(event.connectId(), attempt);
        if (previous != null) {
            stopUnended(previous);
        }
    }

    @Override
    public void hostAttemptEnded(HostAttemptEnded event) {
        Observation attempt = this.attempts.remove(event.connectId());
        if (attempt == null) {
            return;
        }
        if (event.error() != null) {
            attempt.error(event.error());
        }
        // whether the session is encrypted, known when there is one: an attempt under sslmode=prefer starts with TLS and
        // may end in plaintext (the server said no), and a failed one has no session (NEW-USER-21 F6: both said true)
        stop(attempt, event.outcome().label(), event.role(), event.error() == null ? Boolean.toString(event.tls()) : UNKNOWN);
    }

    /**
     * Every attempt stops with the same low-cardinality keys, whatever its end: Prometheus refuses a
     * meter whose tag keys differ from the first of its name (new user 11 F2: refused attempts, which
     * have no role, vanished from {@code /actuator/prometheus} once a connected one was registered).
     */
    private static void stop(Observation attempt, String outcome, @Nullable ServerRole role, String tls) {
        attempt.lowCardinalityKeyValue("outcome", outcome)
                .lowCardinalityKeyValue("tls", tls)
                .lowCardinalityKeyValue("db.server.role", (role == null ? ServerRole.UNKNOWN : role).label());
        attempt.stop();
    }

    /** An attempt core never reported the end of (core reports abandoned ones too): keyed as failed. */
    private static void stopUnended(Observation attempt) {
        stop(attempt, HostOutcome.FAILED.label(), null, UNKNOWN);
    }

    /** The {@code tls} of an attempt that ended without a session. */
    private static final String UNKNOWN = "unknown";

    @Override
    public void connectEnded(ConnectEnded event) {
        Observation dangling = this.attempts.remove(event.connectId());
        if (dangling != null) {
            stopUnended(dangling);
        }
        Observation observation = this.connects.remove(event.connectId());
        if (observation == null) {
            return;
        }
        observation.lowCardinalityKeyValue("outcome", event.error() == null ? "success" : "failure");
        if (event.host() != null) {
            observation.highCardinalityKeyValue("server.address", serverAddress(event.hostSpec(), event.host()))
                    .highCardinalityKeyValue("server.port", port(event.port()));
        }
        if (event.error() != null) {
            observation.error(event.error());
        }
        observation.stop();
    }

    /** OpenTelemetry's {@code server.address}: the host name or IP as configured, or the socket file. */
    private static String serverAddress(@Nullable HostSpec host, String label) {
        if (host == null) {
            return label;
        }
        return host.isUnixSocket() ? host.socketPath() : host.host();
    }

    private static String port(int port) {
        return port < 0 ? "" : Integer.toString(port);
    }

    /** OpenTelemetry's {@code network.peer.address}: the IP dialled, or the socket file. */
    private static String peerAddress(@Nullable SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return address == null ? "" : address.toString();
    }

    private @Nullable ConnConfig config() {
        ConnConfig current = this.config;
        if (current == null) {
            current = this.factoryConfig.get();
            this.config = current;
        }
        return current;
    }
}
