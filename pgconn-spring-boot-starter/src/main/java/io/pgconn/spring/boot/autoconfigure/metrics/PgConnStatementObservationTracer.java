package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.pgconn.config.HostSpec;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.trace.PgTracer;
import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Adapts core's statement events (docs/query.md §8) to Micrometer: one {@value #STATEMENT} observation per
 * statement of the core API, keys after OpenTelemetry's database conventions (docs/starter.md §4), and the factory's
 * name as {@code name}, so that two factories on one database have their own timers (NEW-USER-25 F5). Started on
 * the submitting thread, so the caller's current observation is its parent; stopped on the connection's
 * event loop when the statement ends. Never a parameter value; the SQL text, and the server's message of a statement
 * it refused (which may quote a literal of it, {@link ObservedStatementError}), only when asked
 * ({@code management.observations.pgconn.include-query-text}).
 */
public final class PgConnStatementObservationTracer implements PgTracer {

    static final String STATEMENT = "pg.conn.statement";

    /** The meters Micrometer's default handler makes of the observation: its timer and its long-task timer. */
    private static final List<String> METERS = List.of(STATEMENT, STATEMENT + ".active");

    private static final String R2DBC = "r2dbc";
    /** {@code db.response.status_code} of a statement that succeeded: PostgreSQL's SQLSTATE {@code successful_completion}. */
    static final String SUCCESS_STATUS = "00000";
    /** {@code db.response.status_code} of a statement that ended without a status from the server. */
    static final String CLIENT_STATUS = "client";

    private final ObservationRegistry registry;

    /** The factory's bean name (or runtime registration name): the {@code name} key. */
    private final String factoryName;

    private final boolean includeQueryText;

    private final boolean r2dbcObservedElsewhere;

    private final boolean namespaceAsTag;

    private final @Nullable PgConnMeterOwners meterOwners;

    /** The timers' groups this tracer's factory has fed (claimed with {@link #meterOwners} once each). */
    private final Set<PgConnMeterOwners.Group> fed = ConcurrentHashMap.newKeySet();

    /**
     * The factory closed: its statements are observed no more, and one that was running at the close gives its timers
     * back when it ends (REVIEW-24 R24-1: its end made them anew, and no one removed them).
     */
    private volatile boolean closed;

    /**
     * For the auto-configured factory ({@code name=}{@value PgConnAutoConfiguration#FACTORY_BEAN_NAME});
     * {@code r2dbcObservedElsewhere}: Boot's {@code r2dbc.query} observation wraps the starter's R2DBC factory,
     * so statements of pgconn-r2dbc are left to it (one observation per statement).
     */
    public PgConnStatementObservationTracer(ObservationRegistry registry, boolean includeQueryText, boolean r2dbcObservedElsewhere) {
        this(registry, PgConnAutoConfiguration.FACTORY_BEAN_NAME, includeQueryText, r2dbcObservedElsewhere, true, null);
    }

    /**
     * As above, for the factory named {@code factoryName} (its bean name, or the name it is registered under at runtime);
     * {@code namespaceAsTag}: {@code db.namespace} is a low-cardinality key (a tag of the meters), else a
     * high-cardinality one (spans only; {@code management.observations.pgconn.db-namespace-as-tag}); {@code meterOwners}:
     * where the timers this tracer's factory feeds are claimed, so that its close ({@link #factoryClosed}) removes those no
     * other live factory feeds; null: nothing is removed.
     */
    public PgConnStatementObservationTracer(ObservationRegistry registry, String factoryName, boolean includeQueryText,
            boolean r2dbcObservedElsewhere, boolean namespaceAsTag, @Nullable PgConnMeterOwners meterOwners) {
        this.registry = registry;
        this.factoryName = factoryName;
        this.includeQueryText = includeQueryText;
        this.r2dbcObservedElsewhere = r2dbcObservedElsewhere;
        this.namespaceAsTag = namespaceAsTag;
        this.meterOwners = meterOwners;
    }

    @Override
    public @Nullable StatementSpan statementStarted(StatementStarted event) {
        if (this.closed || this.registry.isNoop() || (this.r2dbcObservedElsewhere && R2DBC.equals(event.layer()))) {
            return null;
        }
        String operation = operationName(event);
        String namespace = nonNull(event.database());
        String address = serverAddress(event.hostSpec());
        String port = Integer.toString(event.port());
        Observation observation = Observation.createNotStarted(STATEMENT, this.registry)
                .contextualName(contextualName(operation, event.database()))
                .lowCardinalityKeyValue("db.system.name", "postgresql")
                .lowCardinalityKeyValue(PgConnObservationTracer.FACTORY_NAME, this.factoryName)
                .lowCardinalityKeyValue("db.operation.name", operation == null ? "" : operation)
                .lowCardinalityKeyValue("server.address", address)
                .lowCardinalityKeyValue("server.port", port)
                .lowCardinalityKeyValue("layer", event.layer());
        PgConnMeterOwners.Group group = null;
        if (this.namespaceAsTag) {
            observation.lowCardinalityKeyValue("db.namespace", namespace);
            group = claim(namespace, address, port);
        } else {
            observation.highCardinalityKeyValue("db.namespace", namespace);
        }
        if (event.batchSize() > 1) {
            observation.highCardinalityKeyValue("db.operation.batch.size", Integer.toString(event.batchSize()));
        }
        if (this.includeQueryText) {
            observation.highCardinalityKeyValue("db.query.text", event.sql());
        }
        Observation started = observation.start();
        PgConnMeterOwners.Group fedGroup = group;
        return ended -> {
            stop(started, ended);
            if (this.closed && fedGroup != null && this.meterOwners != null) {
                this.meterOwners.release(this, List.of(fedGroup));
            }
        };
    }

    /** The factory's timers of one database on one server, fed until it closes; their group, or null. */
    private PgConnMeterOwners.@Nullable Group claim(String namespace, String address, String port) {
        PgConnMeterOwners owners = this.meterOwners;
        if (owners == null) {
            return null;
        }
        PgConnMeterOwners.Group group = new PgConnMeterOwners.Group(METERS,
                List.of(PgConnObservationTracer.FACTORY_NAME, this.factoryName, "db.namespace", namespace, "server.address", address,
                        "server.port", port));
        if (this.fed.add(group)) {
            owners.claim(group, this);
        }
        return group;
    }

    /** The factory closed: its statement timers go (new user 23 F2), unless a live factory of the same name feeds them. */
    @Override
    public void factoryClosed(FactoryClosed event) {
        this.closed = true;
        if (this.meterOwners != null) {
            this.meterOwners.release(this, List.copyOf(this.fed));
        }
    }

    private void stop(Observation observation, StatementEnded ended) {
        observation.lowCardinalityKeyValue("outcome", ended.outcome().label());
        observation.lowCardinalityKeyValue("db.response.status_code", statusCode(ended));
        observation.lowCardinalityKeyValue("error.type", errorType(ended));
        if (ended.rows() >= 0) {
            observation.highCardinalityKeyValue("db.response.returned_rows", Long.toString(ended.rows()));
        }
        if (ended.error() != null) {
            observation.error(ObservedStatementError.of(ended.error(), this.includeQueryText));
        }
        observation.stop();
    }

    /** {@code SELECT}, {@code BATCH INSERT} (parameter sets), {@code BATCH} (a script), or null. */
    private static @Nullable String operationName(StatementStarted event) {
        if (event.kind() == StatementKind.SCRIPT) {
            return "BATCH";
        }
        String command = SqlOperationName.of(event.sql());
        if (command != null && event.batchSize() > 1) {
            return "BATCH " + command;
        }
        return command;
    }

    /** OpenTelemetry's span name: {@code {db.operation.name} {db.namespace}}, or what of it is known. */
    private static String contextualName(@Nullable String operation, @Nullable String database) {
        if (operation == null) {
            return database == null ? "postgresql" : database;
        }
        return database == null ? operation : operation + " " + database;
    }

    /**
     * OpenTelemetry's {@code error.type}: the SQLSTATE when the server gave one, else the outcome
     * ({@code timeout}, {@code cancelled}, {@code connection-lost}, {@code failed}); {@code none} on success.
     */
    private static String errorType(StatementEnded ended) {
        if (ended.outcome() == StatementOutcome.SUCCESS) {
            return "none";
        }
        return ended.sqlState() != null && ended.outcome() == StatementOutcome.SERVER_ERROR ? ended.sqlState() : ended.outcome().label();
    }

    /**
     * OpenTelemetry's {@code db.response.status_code}, on every statement (a Prometheus meter needs the same keys on
     * each of its series, so it cannot be left out on success, and an empty value read as "unknown", user13's F8):
     * {@value #SUCCESS_STATUS} (PostgreSQL's {@code successful_completion}) on success, the SQLSTATE the server gave
     * (a refused statement, a cancel's 57014, a FATAL that ended the session), else {@value #CLIENT_STATUS}: the
     * statement ended on the client's side without a status from the server (its timeout, a cancel before any
     * answer, a lost socket, a value that could not be encoded) — OpenTelemetry lets a client library give a
     * synthetic status; {@code outcome} and {@code error.type} tell which.
     */
    static String statusCode(StatementEnded ended) {
        if (ended.outcome() == StatementOutcome.SUCCESS) {
            return SUCCESS_STATUS;
        }
        return ended.sqlState() != null ? ended.sqlState() : CLIENT_STATUS;
    }

    /** OpenTelemetry's {@code server.address}: the host name or IP as configured, or the socket file. */
    private static String serverAddress(HostSpec host) {
        return host.isUnixSocket() ? host.socketPath() : host.host();
    }

    private static String nonNull(@Nullable String value) {
        return value == null ? "" : value;
    }
}
