package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.trace.PgTracer;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Adapts core's {@link PgTracer} to Micrometer: one {@value #CONNECT} observation per
 * {@code connect()}, with a {@value #ATTEMPT} child per host attempt. Key names follow the
 * OpenTelemetry database conventions where they exist ({@code db.system.name},
 * {@code db.namespace}, {@code server.address}, {@code server.port}); both carry the factory's bean name as the
 * low-cardinality {@code name}, the tag of its other meters, so that two factories on the same hosts have their own
 * timers (NEW-USER-25 F5).
 */
public final class PgConnObservationTracer implements PgTracer {

    static final String CONNECT = "pg.conn.connect";

    static final String ATTEMPT = "pg.conn.connect.attempt";

    /** The key of the factory's name on the starter's observations, as on its meters ({@code pg.conn.connections.active}). */
    static final String FACTORY_NAME = "name";

    private final ObservationRegistry registry;

    /** The factory's bean name: the {@code name} key. */
    private final String factoryName;

    private final Supplier<@Nullable ConnConfig> factoryConfig;

    private final Map<Long, Observation> connects = new ConcurrentHashMap<>();

    /** Host attempts of one connect run one after another: the current one per connect. */
    private final Map<Long, Observation> attempts = new ConcurrentHashMap<>();

    private volatile @Nullable ConnConfig config;

    private final @Nullable PgConnMeterOwners meterOwners;

    /** The meters of this factory's connects and attempts: its {@code name} singles them out. */
    private final PgConnMeterOwners.Group group;

    /** The group was claimed: at the first connect, which makes its first meters (its {@code .active} timer). */
    private volatile boolean claimed;

    /**
     * The factory closed: its connects are observed no more, and one running at the close gives the timers back when it
     * ends, as its statements do (a factory per tenant leaves no {@code pg.conn.connect{name=<tenant>}} behind).
     */
    private volatile boolean closed;

    /**
     * For the auto-configured factory ({@code name=}{@value PgConnAutoConfiguration#FACTORY_BEAN_NAME}); {@code factory} is
     * looked up at the first connect: it is created with this tracer.
     */
    public PgConnObservationTracer(ObservationRegistry registry, ObjectProvider<PgConnectionFactory> factory) {
        this(registry, PgConnAutoConfiguration.FACTORY_BEAN_NAME, () -> {
            PgConnectionFactory unique = factory.getIfUnique();
            return unique != null ? unique.config() : null;
        }, null);
    }

    /**
     * For the factory of the application's own named {@code factoryName} (its bean name, or the name it is registered
     * under at runtime), built with {@code config} ({@link io.pgconn.spring.boot.autoconfigure.PgConnFactoryTracers});
     * {@code meterOwners}: where its timers are claimed, so that its close ({@link #factoryClosed}) removes them; null:
     * nothing is removed. The claim is made at the first connect, where the first timer is made, not here: a tracer whose
     * factory is never built, or never connects, claims nothing, so nothing of it stays in {@code meterOwners} without a
     * close to give it back.
     */
    public PgConnObservationTracer(ObservationRegistry registry, String factoryName, ConnConfig config,
            @Nullable PgConnMeterOwners meterOwners) {
        this(registry, factoryName, () -> config, meterOwners);
    }

    private PgConnObservationTracer(ObservationRegistry registry, String factoryName, Supplier<@Nullable ConnConfig> factoryConfig,
            @Nullable PgConnMeterOwners meterOwners) {
        this.registry = registry;
        this.factoryName = factoryName;
        this.factoryConfig = factoryConfig;
        this.meterOwners = meterOwners;
        this.group = new PgConnMeterOwners.Group(List.of(CONNECT, CONNECT + ".active", ATTEMPT, ATTEMPT + ".active"),
                List.of(FACTORY_NAME, factoryName));
    }

    /**
     * Before this factory's first connect makes its meters: from then on they are the group's. A close racing it is
     * covered as for an end after the close: each end gives the group back again ({@link #giveBack}).
     */
    private void claimOnce() {
        if (!this.claimed && this.meterOwners != null) {
            this.claimed = true;
            this.meterOwners.claim(this.group, this);
        }
    }

    /** The factory closed: the timers of its connects and attempts go, unless a live factory of the same name feeds them. */
    @Override
    public void factoryClosed(FactoryClosed event) {
        this.closed = true;
        giveBack();
    }

    /** Once closed, after each end too: an end after the close made its timer anew (REVIEW-24 R24-1). */
    private void giveBack() {
        if (this.closed && this.meterOwners != null) {
            this.meterOwners.release(this, List.of(this.group));
        }
    }

    @Override
    public void connectStarted(ConnectStarted event) {
        if (this.closed) {
            return;
        }
        claimOnce();
        Observation observation = Observation.createNotStarted(CONNECT, this.registry)
                .contextualName("pg.conn connect")
                .lowCardinalityKeyValue("db.system.name", "postgresql")
                .lowCardinalityKeyValue(FACTORY_NAME, this.factoryName)
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
        if (this.closed) {
            return;
        }
        Observation parent = this.connects.get(event.connectId());
        Observation attempt = Observation.createNotStarted(ATTEMPT, this.registry)
                .contextualName("pg.conn connect " + event.host())
                .parentObservation(parent)
                .lowCardinalityKeyValue("db.system.name", "postgresql")
                .lowCardinalityKeyValue(FACTORY_NAME, this.factoryName)
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
        giveBack();
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
        giveBack();
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
