package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.spring.boot.autoconfigure.FailoverTracker;
import io.pgconn.spring.boot.autoconfigure.ReplicaLag;
import io.pgconn.spring.boot.autoconfigure.ReplicaLags;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Health of a {@link PgConnectionFactory}, from a live view of every configured host kept by
 * background monitors ({@link HostMonitors}): {@code UP} with the host a connect would land on now
 * ({@code activeHost}: the first host, in configuration order, whose last probe saw a role that
 * satisfies {@code target_session_attrs}), its role and version, the failover count and each
 * host's status; {@code DOWN} with each host's reason when no host is acceptable. A host that answers but
 * refuses new logins for want of a free slot (53300) is {@code full}: when no acceptable host takes new sessions,
 * such a host is the active one, the health {@code UP} with a {@code warning} ({@link FullHostWarning}). With an R2DBC
 * pool over the factory, {@code pools} shows each pool by bean name (acquired, idle, pending,
 * allocated, max, evictions by reason); with {@link io.pgconn.notify.NotificationSubscriber} beans
 * over it, {@code subscribers} shows each one's state by bean name, and one that gave up
 * re-connecting makes the health {@code DOWN} ({@link GaveUpSubscribers}). A check reads the monitors' last
 * results, the pools' counters and the subscribers' states, and costs no round trip. Details never
 * hold secrets.
 */
public class PgConnHealthIndicator extends AbstractHealthIndicator implements DisposableBean {

    private final ConnConfig config;

    private final Duration timeout;

    private final HostMonitors monitors;

    private final PgConnectionFactory factory;

    private final PgConnPoolDetails pools;

    private final PgConnSubscriberDetails subscribers;

    /** As {@link #PgConnHealthIndicator(PgConnectionFactory, FailoverTracker, PgConnHealthProperties, Duration, String, PgConnPoolDetails)} without pools. */
    public PgConnHealthIndicator(PgConnectionFactory factory, FailoverTracker failoverTracker,
            PgConnHealthProperties properties, Duration interval, String name) {
        this(factory, failoverTracker, properties, interval, name, f -> Map.of());
    }

    /**
     * @param factory         the factory whose hosts to watch
     * @param failoverTracker counts changes of the active host
     * @param properties      {@code timeout}: the longest a check waits for the first round of probes
     * @param interval        time between two probes of one host
     * @param name            the factory's bean name, for the monitor thread's name
     * @param pools           the connection pools over the factory, shown as {@code pools}
     */
    public PgConnHealthIndicator(PgConnectionFactory factory, FailoverTracker failoverTracker,
            PgConnHealthProperties properties, Duration interval, String name, PgConnPoolDetails pools) {
        this(factory, failoverTracker, properties, interval, name, pools, true);
    }

    /**
     * As {@link #PgConnHealthIndicator(PgConnectionFactory, FailoverTracker, PgConnHealthProperties, Duration, String, PgConnPoolDetails)};
     * {@code closeWhenUnresponsive} ({@code pg.conn.health.close-connections-when-unresponsive}): close
     * the factory's connections to a host whose probes got no answer within the probe timeout twice in a row.
     */
    public PgConnHealthIndicator(PgConnectionFactory factory, FailoverTracker failoverTracker,
            PgConnHealthProperties properties, Duration interval, String name, PgConnPoolDetails pools,
            boolean closeWhenUnresponsive) {
        this(factory, failoverTracker, properties, interval, name, pools, closeWhenUnresponsive,
                HostMonitor.DEFAULT_RELOGIN_INTERVAL);
    }

    /**
     * As {@link #PgConnHealthIndicator(PgConnectionFactory, FailoverTracker, PgConnHealthProperties, Duration, String, PgConnPoolDetails, boolean)};
     * {@code reloginInterval} ({@code pg.conn.health.relogin-interval}): age at which a host's probe
     * session is replaced by a new login, so that health sees logins the server now refuses (zero: never).
     */
    public PgConnHealthIndicator(PgConnectionFactory factory, FailoverTracker failoverTracker,
            PgConnHealthProperties properties, Duration interval, String name, PgConnPoolDetails pools,
            boolean closeWhenUnresponsive, Duration reloginInterval) {
        this(factory, failoverTracker, properties, interval, name, pools, closeWhenUnresponsive, reloginInterval,
                f -> Map.of());
    }

    /**
     * As {@link #PgConnHealthIndicator(PgConnectionFactory, FailoverTracker, PgConnHealthProperties, Duration, String, PgConnPoolDetails, boolean, Duration)};
     * {@code subscribers}: the notification subscribers over the factory, shown as {@code subscribers}.
     */
    public PgConnHealthIndicator(PgConnectionFactory factory, FailoverTracker failoverTracker,
            PgConnHealthProperties properties, Duration interval, String name, PgConnPoolDetails pools,
            boolean closeWhenUnresponsive, Duration reloginInterval, PgConnSubscriberDetails subscribers) {
        this(factory, failoverTracker, properties, interval, name, pools, closeWhenUnresponsive, reloginInterval, subscribers,
                new ReplicaLags());
    }

    /**
     * As {@link #PgConnHealthIndicator(PgConnectionFactory, FailoverTracker, PgConnHealthProperties, Duration, String, PgConnPoolDetails, boolean, Duration, PgConnSubscriberDetails)};
     * {@code lags}: where the monitors keep each standby's replay lag, shown as its host's {@code replicaLag} and read
     * by the {@code pg.conn.replica.lag} gauges (the {@code pgConnReplicaLags} bean).
     */
    public PgConnHealthIndicator(PgConnectionFactory factory, FailoverTracker failoverTracker,
            PgConnHealthProperties properties, Duration interval, String name, PgConnPoolDetails pools,
            boolean closeWhenUnresponsive, Duration reloginInterval, PgConnSubscriberDetails subscribers, ReplicaLags lags) {
        super("pgconn health check failed");
        this.factory = factory;
        this.pools = pools;
        this.subscribers = subscribers;
        this.config = factory.config();
        this.timeout = properties.getTimeout();
        Duration hostTimeout = this.config.hostConnectTimeout();
        // a probe must end even with host-connect-timeout=0 (none): a frozen server would hang it
        Duration probeTimeout = hostTimeout.isZero() ? this.timeout : hostTimeout;
        this.monitors = new HostMonitors(factory, failoverTracker, interval, probeTimeout, name, closeWhenUnresponsive,
                reloginInterval, lags);
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        this.monitors.awaitFirstRound(this.timeout);
        // one snapshot: activeHost and failovers as of the same moment
        HostViews.Snapshot snapshot = this.monitors.snapshot();
        List<HostView> views = snapshot.hosts();
        HostView active = snapshot.active();
        List<String> errors = new ArrayList<>();
        if (active != null) {
            builder.up().withDetail("activeHost", active.host()).withDetail("role", active.role().label());
            if (active.serverVersion() != null) {
                builder.withDetail("serverVersion", active.serverVersion());
            }
        } else {
            errors.add(NoAcceptableHostLog.describe(views, this.config.targetSessionAttrs()));
        }
        builder.withDetail("targetSessionAttrs", this.config.targetSessionAttrs().libpqName())
                .withDetail("database", this.config.database())
                .withDetail("failovers", snapshot.failovers());
        Instant lastFailoverAt = snapshot.lastFailoverAt();
        if (lastFailoverAt != null) {
            builder.withDetail("lastFailoverAt", lastFailoverAt.toString());
        }
        List<String> warnings = new ArrayList<>();
        String full = FullHostWarning.of(active);
        if (full != null) {
            warnings.add(full); // UP: the server is up, the pool's open sessions serve (starter.md §3)
        }
        String splitBrain = SplitBrainWarning.of(views, this.config.targetSessionAttrs(), active);
        if (splitBrain != null) {
            warnings.add(splitBrain);
        }
        if (!warnings.isEmpty()) {
            builder.withDetail("warning", String.join("; ", warnings));
        }
        builder.withDetail("hosts", hosts(views, this.monitors::lag));
        Map<String, Map<String, Object>> pools = this.pools.of(this.factory);
        if (!pools.isEmpty()) {
            builder.withDetail("pools", pools);
        }
        Map<String, Map<String, Object>> subscribers = this.subscribers.of(this.factory);
        if (!subscribers.isEmpty()) {
            builder.withDetail("subscribers", subscribers);
        }
        errors.addAll(GaveUpSubscribers.of(subscribers));
        if (!errors.isEmpty()) {
            builder.down().withDetail("error", String.join("; ", errors));
        }
    }

    /** The {@code hosts} detail: each host's view, by {@code host:port}, without replay lags. */
    static Map<String, Object> hosts(List<HostView> views) {
        return hosts(views, host -> null);
    }

    /** The {@code hosts} detail: each host's view and a standby's replay lag ({@code lags}), by {@code host:port}. */
    static Map<String, Object> hosts(List<HostView> views, Function<String, @Nullable ReplicaLag> lags) {
        Map<String, Object> hosts = new LinkedHashMap<>();
        for (HostView view : views) {
            Map<String, Object> host = new LinkedHashMap<>();
            host.put("status", view.state().label());
            host.put("role", view.role().label());
            if (view.checkedAt() != null) {
                host.put("lastCheckedAt", view.checkedAt().toString());
            }
            if (view.nextCheckAt() != null) {
                // no probe checks it until then (a login backing off, a full host's one login per relogin interval):
                // lastCheckedAt is that old meanwhile, not a monitor that stopped
                host.put("nextCheckAt", view.nextCheckAt().toString());
            }
            if (view.error() != null) {
                host.put("lastError", view.error());
            }
            if (view.serverChange() != null) {
                // when the server behind the label last changed (a switchover behind one name); no address: a public
                // endpoint (HostFailureReason), the failover's log line names them
                host.put("serverChangedAt", view.serverChange().at().toString());
            }
            ReplicaLag lag = lags.apply(view.host());
            if (lag != null) {
                host.put("replicaLag", replicaLag(lag));
            }
            hosts.put(view.host(), host);
        }
        return hosts;
    }

    /**
     * A standby's {@code replicaLag}: {@code bytes} and {@code seconds} behind (each left out when the standby cannot
     * tell, {@link ReplicaLag}), {@code replayPaused}, {@code receiving} (whether a WAL receiver runs), and when it was
     * measured.
     */
    private static Map<String, Object> replicaLag(ReplicaLag lag) {
        Map<String, Object> shown = new LinkedHashMap<>();
        if (lag.bytes() != null) {
            shown.put("bytes", lag.bytes());
        }
        if (lag.seconds() != null) {
            shown.put("seconds", lag.seconds());
        }
        shown.put("replayPaused", lag.replayPaused());
        shown.put("receiving", lag.receiving());
        shown.put("measuredAt", lag.measuredAt().toString());
        return shown;
    }

    @Override
    public void destroy() {
        this.monitors.close();
    }
}
