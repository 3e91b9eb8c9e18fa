package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.observation.Observation;
import io.pgconn.PgClosedException;
import io.pgconn.config.HostSpec;
import io.pgconn.spring.boot.autoconfigure.StoppedObservations;
import io.pgconn.trace.PgTracer.StatementEnded;
import io.pgconn.trace.PgTracer.StatementKind;
import io.pgconn.trace.PgTracer.StatementOutcome;
import io.pgconn.trace.PgTracer.StatementSpan;
import io.pgconn.trace.PgTracer.StatementStarted;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pg.conn.statement}'s {@code db.response.status_code} has a true value on every statement (user13's F8: it
 * was the empty string on success): {@code 00000} on success, the server's SQLSTATE, or {@code client} when the
 * statement ended on the client's side without one.
 */
class PgConnStatementStatusCodeTest {

    private final StoppedObservations stopped = new StoppedObservations();
    private final PgConnStatementObservationTracer tracer = new PgConnStatementObservationTracer(stopped.registry(), false, false);

    @Test
    void aSuccessfulStatementHasPostgresqlsSuccessfulCompletion() {
        assertThat(statusCodeOf(StatementOutcome.SUCCESS, null, null)).isEqualTo("00000");
    }

    @Test
    void aRefusedStatementHasTheServersSqlstate() {
        assertThat(statusCodeOf(StatementOutcome.SERVER_ERROR, "22012", new IllegalStateException("division by zero")))
                .isEqualTo("22012");
        assertThat(statusCodeOf(StatementOutcome.CANCELLED, "57014", new IllegalStateException("canceled"))).isEqualTo("57014");
    }

    @Test
    void aStatementThatEndedWithoutAServerStatusSaysClient() {
        assertThat(statusCodeOf(StatementOutcome.TIMEOUT, null, new TimeoutException("timeout"))).isEqualTo("client");
        assertThat(statusCodeOf(StatementOutcome.CONNECTION_LOST, null, new PgClosedException("db.example:5432", "connection lost")))
                .isEqualTo("client");
        assertThat(statusCodeOf(StatementOutcome.FAILED, null, new IllegalArgumentException("cannot encode"))).isEqualTo("client");
    }

    private String statusCodeOf(StatementOutcome outcome, String sqlState, Throwable error) {
        StatementStarted started = new StatementStarted(StatementKind.EXTENDED, "SELECT 1", 0, 1, HostSpec.of("db.example", 5432),
                null, "app", 42, "core");
        StatementSpan span = tracer.statementStarted(started);
        assertThat(span).isNotNull();
        span.ended(new StatementEnded(started, outcome, outcome == StatementOutcome.SUCCESS ? 1 : -1, sqlState, error,
                Duration.ofMillis(1)));
        Observation.Context context = stopped.contexts.stream().reduce((first, second) -> second).orElseThrow();
        return context.getLowCardinalityKeyValue("db.response.status_code").getValue();
    }
}
