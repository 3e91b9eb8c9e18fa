package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.pgconn.config.HostSpec;
import io.pgconn.spring.boot.autoconfigure.StoppedObservations;
import io.pgconn.trace.PgTracer.StatementEnded;
import io.pgconn.trace.PgTracer.StatementKind;
import io.pgconn.trace.PgTracer.StatementOutcome;
import io.pgconn.trace.PgTracer.StatementSpan;
import io.pgconn.trace.PgTracer.StatementStarted;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pg.conn.statement} is not followed when the registry would record nothing of it (an {@code ObservationPredicate}
 * refusing it, as Boot's {@code management.observations.enable.pg.conn.statement=false}: session 28, where the keys
 * were built on every statement for a no-op observation), and the keys it keeps per database and server (made once,
 * then reused) are each statement's own.
 */
class PgConnStatementObservationKeysTest {

    private final StoppedObservations stopped = new StoppedObservations();

    @Test
    void aStatementWhoseObservationAPredicateRefusesIsNotFollowed() {
        ObservationRegistry registry = stopped.registry();
        registry.observationConfig().observationPredicate((name, context) -> !name.startsWith("pg.conn"));
        PgConnStatementObservationTracer tracer = new PgConnStatementObservationTracer(registry, false, false);

        assertThat(tracer.statementStarted(started("SELECT 1", "db1.example", 5432, "app", "core"))).isNull();
        assertThat(stopped.contexts).isEmpty();
    }

    @Test
    void eachStatementCarriesItsOwnDatabaseServerOperationAndLayer() {
        PgConnMeterOwners owners = new PgConnMeterOwners(() -> null);
        PgConnStatementObservationTracer tracer = new PgConnStatementObservationTracer(stopped.registry(), "orders", false, false,
                true, owners);

        run(tracer, started("SELECT 1", "db1.example", 5432, "app", "core"), StatementOutcome.SUCCESS, null);
        run(tracer, started("UPDATE t SET a = 1", "db2.example", 5433, "app", "r2dbc"), StatementOutcome.SUCCESS, null);
        run(tracer, started("select 2", "db1.example", 5432, "reports", "r2dbc"), StatementOutcome.SERVER_ERROR, "22012");
        run(tracer, started("SELECT 3", "db1.example", 5432, "app", "core"), StatementOutcome.SUCCESS, null);

        assertThat(stopped.contexts).extracting(Observation.Context::getContextualName)
                .containsExactly("SELECT app", "UPDATE app", "SELECT reports", "SELECT app");
        assertThat(stopped.contexts).extracting(PgConnStatementObservationKeysTest::lowKeys).containsExactly(
                keys("db1.example", "5432", "app", "SELECT", "core", "success", "00000", "none"),
                keys("db2.example", "5433", "app", "UPDATE", "r2dbc", "success", "00000", "none"),
                keys("db1.example", "5432", "reports", "SELECT", "r2dbc", "server-error", "22012", "22012"),
                keys("db1.example", "5432", "app", "SELECT", "core", "success", "00000", "none"));
    }

    @Test
    void withoutTheDatabaseAsATagItStaysOnTheSpansOnly() {
        PgConnStatementObservationTracer tracer = new PgConnStatementObservationTracer(stopped.registry(), "orders", false, false,
                false, null);

        run(tracer, started("DELETE FROM t", "db1.example", 5432, "tenant_7", "core"), StatementOutcome.SUCCESS, null);
        run(tracer, started("DELETE FROM t", "db1.example", 5432, "tenant_8", "core"), StatementOutcome.SUCCESS, null);

        assertThat(stopped.contexts).extracting(context -> context.getLowCardinalityKeyValue("db.namespace")).containsOnlyNulls();
        assertThat(stopped.contexts).extracting(context -> context.getHighCardinalityKeyValue("db.namespace").getValue())
                .containsExactly("tenant_7", "tenant_8");
        assertThat(stopped.contexts).extracting(Observation.Context::getContextualName)
                .containsExactly("DELETE tenant_7", "DELETE tenant_8");
    }

    private static void run(PgConnStatementObservationTracer tracer, StatementStarted started, StatementOutcome outcome, String sqlState) {
        StatementSpan span = tracer.statementStarted(started);
        assertThat(span).isNotNull();
        span.ended(new StatementEnded(started, outcome, outcome == StatementOutcome.SUCCESS ? 1 : -1, sqlState,
                outcome == StatementOutcome.SUCCESS ? null : new IllegalStateException("refused"), Duration.ofMillis(1)));
    }

    private static StatementStarted started(String sql, String host, int port, String database, String layer) {
        return new StatementStarted(StatementKind.EXTENDED, sql, 0, 1, HostSpec.of(host, port), null, database, 42, layer);
    }

    private static Map<String, String> lowKeys(Observation.Context context) {
        Map<String, String> keys = new TreeMap<>();
        for (KeyValue key : context.getLowCardinalityKeyValues()) {
            keys.put(key.getKey(), key.getValue());
        }
        return keys;
    }

    private static Map<String, String> keys(String address, String port, String namespace, String operation, String layer,
            String outcome, String status, String errorType) {
        Map<String, String> keys = new TreeMap<>();
        keys.put("db.system.name", "postgresql");
        keys.put("name", "orders");
        keys.put("server.address", address);
        keys.put("server.port", port);
        keys.put("db.namespace", namespace);
        keys.put("db.operation.name", operation);
        keys.put("layer", layer);
        keys.put("outcome", outcome);
        keys.put("db.response.status_code", status);
        keys.put("error.type", errorType);
        return keys;
    }
}
