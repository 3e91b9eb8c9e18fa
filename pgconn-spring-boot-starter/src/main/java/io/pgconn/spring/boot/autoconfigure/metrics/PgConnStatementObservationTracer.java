package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.pgconn.config.HostSpec;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.trace.PgTracer;
import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Map;
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
    private static final String LAYER = "layer";
    private static final KeyValue R2DBC_LAYER = KeyValue.of(LAYER, R2DBC);
    private static final String OPERATION = "db.operation.name";
    /** {@code db.operation.name} of a statement whose keyword is no SQL command. */
    private static final KeyValue NO_OPERATION = KeyValue.of(OPERATION, "");
    /** At most this many databases × servers have their keys kept ({@link #serverKeys}). */
    private static final int SERVER_KEYS_KEPT = 64;
    /** {@code db.response.status_code} of a statement that succeeded: PostgreSQL's SQLSTATE {@code successful_completion}. */
    static final String SUCCESS_STATUS = "00000";
    /** {@code db.response.status_code} of a statement that ended without a status from the server. */
    static final String CLIENT_STATUS = "client";
    /** The end keys of a statement that succeeded ({@link #stop}). */
    private static final KeyValues SUCCEEDED = KeyValues.of("outcome", StatementOutcome.SUCCESS.label(),
            "db.response.status_code", SUCCESS_STATUS, "error.type", "none");

    private final ObservationRegistry registry;

    /** The factory's bean name (or runtime registration name): the {@code name} key. */
    private final String factoryName;

    private final boolean includeQueryText;

    private final boolean r2dbcObservedElsewhere;

    private final boolean namespaceAsTag;

    private final @Nullable PgConnMeterOwners meterOwners;

    /** The timers' groups this tracer's factory has fed (claimed with {@link #meterOwners} once each). */
    private final Set<PgConnMeterOwners.Group> fed = ConcurrentHashMap.newKeySet();

    /** The keys of each database and server this factory's statements ran on ({@link #serverKeys}). */
    private final Map<ServerKeys.Of, ServerKeys> serverKeys = new ConcurrentHashMap<>();

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

    /**
     * The observation is made first, with no key: when the registry would record nothing of it — no handler, or an
     * {@code ObservationPredicate} refusing it, as Boot's {@code management.observations.enable.pg.conn.statement=false}
     * — the statement is not followed and none of its keys is built (until session 28 they were built, on every
     * statement, for a no-op observation). The keys a statement's database and server give ({@link ServerKeys}) are
     * made once and reused.
     */
    @Override
    public @Nullable StatementSpan statementStarted(StatementStarted event) {
        if (this.closed || this.registry.isNoop() || (this.r2dbcObservedElsewhere && R2DBC.equals(event.layer()))) {
            return null;
        }
        Observation observation = Observation.createNotStarted(STATEMENT, this.registry);
        if (observation.isNoop()) {
            return null;
        }
        ServerKeys server = serverKeys(event);
        String operation = operationName(event);
        observation.contextualName(server.contextualName(operation))
                .lowCardinalityKeyValues(server.low)
                .lowCardinalityKeyValue(server.operation(operation))
                .lowCardinalityKeyValue(R2DBC.equals(event.layer()) ? R2DBC_LAYER : KeyValue.of(LAYER, event.layer()));
        if (server.namespaceHigh != null) {
            observation.highCardinalityKeyValue(server.namespaceHigh);
        }
        if (event.batchSize() > 1) {
            observation.highCardinalityKeyValue("db.operation.batch.size", Integer.toString(event.batchSize()));
        }
        if (this.includeQueryText) {
            observation.highCardinalityKeyValue("db.query.text", event.sql());
        }
        Observation started = observation.start();
        PgConnMeterOwners.Group fedGroup = server.group;
        return ended -> {
            stop(started, ended);
            if (this.closed && fedGroup != null && this.meterOwners != null) {
                this.meterOwners.release(this, List.of(fedGroup));
            }
        };
    }

    /**
     * The keys of the statements of one database on one server, and their timers' group, claimed when first fed (once
     * per tracer, as {@link #fed} records); at most {@value #SERVER_KEYS_KEPT} kept (a factory's hosts × databases; past
     * that they are made per statement).
     */
    private ServerKeys serverKeys(StatementStarted event) {
        ServerKeys.Of of = new ServerKeys.Of(event.hostSpec(), event.database());
        ServerKeys keys = this.serverKeys.get(of);
        if (keys == null) {
            keys = new ServerKeys(of, this.factoryName, this.namespaceAsTag, this.meterOwners != null);
            if (this.serverKeys.size() < SERVER_KEYS_KEPT) {
                this.serverKeys.putIfAbsent(of, keys);
            }
        }
        PgConnMeterOwners owners = this.meterOwners;
        if (keys.group != null && owners != null && !keys.claimed && this.fed.add(keys.group)) {
            owners.claim(keys.group, this);
        }
        keys.claimed = true;
        return keys;
    }

    /**
     * What every statement of one database on one server carries: {@code db.system.name}, {@code name},
     * {@code server.address}, {@code server.port} and {@code db.namespace} (a low-cardinality key, or a high one with
     * {@code db-namespace-as-tag=false}); the group of timers they feed (null when {@code db.namespace} is not a tag or
     * nothing claims groups); the span names and {@code db.operation.name} keys of their operations.
     */
    private static final class ServerKeys {

        /** Where statements run: the host as configured and the database. */
        record Of(HostSpec host, @Nullable String database) {
        }

        final KeyValues low;
        final @Nullable KeyValue namespaceHigh;
        final PgConnMeterOwners.@Nullable Group group;
        /** The group is in the tracer's {@link #fed} (claimed); a race of two first statements claims at most once. */
        volatile boolean claimed;
        private final @Nullable String database;
        /** Per operation keyword: a bounded set, {@link SqlOperationName}'s commands and their {@code BATCH} forms. */
        private final Map<String, KeyValue> operations = new ConcurrentHashMap<>();
        private final Map<String, String> contextualNames = new ConcurrentHashMap<>();

        ServerKeys(Of of, String factoryName, boolean namespaceAsTag, boolean grouped) {
            String namespace = nonNull(of.database());
            String address = serverAddress(of.host());
            String port = Integer.toString(of.host().port());
            KeyValues keys = KeyValues.of("db.system.name", "postgresql", PgConnObservationTracer.FACTORY_NAME, factoryName,
                    "server.address", address, "server.port", port);
            this.low = namespaceAsTag ? keys.and("db.namespace", namespace) : keys;
            this.namespaceHigh = namespaceAsTag ? null : KeyValue.of("db.namespace", namespace);
            this.group = namespaceAsTag && grouped ? new PgConnMeterOwners.Group(METERS, List.of(PgConnObservationTracer.FACTORY_NAME,
                    factoryName, "db.namespace", namespace, "server.address", address, "server.port", port)) : null;
            this.database = of.database();
        }

        KeyValue operation(@Nullable String operation) {
            if (operation == null) {
                return NO_OPERATION;
            }
            KeyValue key = this.operations.get(operation);
            return key != null ? key : kept(this.operations, operation, KeyValue.of(OPERATION, operation));
        }

        /** OpenTelemetry's span name: {@code {db.operation.name} {db.namespace}}, or what of it is known. */
        String contextualName(@Nullable String operation) {
            if (operation == null) {
                return this.database == null ? "postgresql" : this.database;
            }
            if (this.database == null) {
                return operation;
            }
            String name = this.contextualNames.get(operation);
            return name != null ? name : kept(this.contextualNames, operation, operation + " " + this.database);
        }

        /**
         * {@code value}, kept under {@code key} unless another thread was first (then that one's). A plain {@code get}
         * first and {@code putIfAbsent} only on a miss: {@code ConcurrentHashMap.computeIfAbsent} locks the bin when the
         * key is not its first node, and every statement would take that lock.
         */
        private static <V> V kept(Map<String, V> map, String key, V value) {
            V earlier = map.putIfAbsent(key, value);
            return earlier != null ? earlier : value;
        }
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
        if (ended.outcome() == StatementOutcome.SUCCESS) {
            observation.lowCardinalityKeyValues(SUCCEEDED);
        } else {
            observation.lowCardinalityKeyValue("outcome", ended.outcome().label());
            observation.lowCardinalityKeyValue("db.response.status_code", statusCode(ended));
            observation.lowCardinalityKeyValue("error.type", errorType(ended));
        }
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
