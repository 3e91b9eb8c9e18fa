package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.trace.PgTracer;
import io.pgconn.trace.PgTracer.ConnectEnded;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CompositePgTracerTest {

    @Test
    void aThrowingTracerDoesNotHideEventsFromTheNext() {
        List<Long> seen = new ArrayList<>();
        PgTracer throwing = new PgTracer() {
            @Override
            public void connectEnded(ConnectEnded event) {
                throw new IllegalStateException("broken tracer");
            }
        };
        PgTracer recording = new PgTracer() {
            @Override
            public void connectEnded(ConnectEnded event) {
                seen.add(event.connectId());
            }
        };
        CompositePgTracer.of(List.of(throwing, recording))
                .connectEnded(new ConnectEnded(42, "db:5432", null, 1, null, Duration.ZERO));
        assertThat(seen).containsExactly(42L);
    }

    @Test
    void aStatementsEndReachesEveryTracerThatFollowsItEvenPastAThrowingOne() {
        List<String> seen = new ArrayList<>();
        PgTracer throwing = new PgTracer() {
            @Override
            public StatementSpan statementStarted(PgTracer.StatementStarted event) {
                throw new IllegalStateException("broken tracer");
            }
        };
        PgTracer declining = new PgTracer() {
        };
        PgTracer following = new PgTracer() {
            @Override
            public StatementSpan statementStarted(PgTracer.StatementStarted event) {
                seen.add("started " + event.sql());
                return ended -> {
                    seen.add("ended " + ended.outcome().label());
                    throw new IllegalStateException("broken span");
                };
            }
        };
        PgTracer.StatementStarted start = new PgTracer.StatementStarted(PgTracer.StatementKind.EXTENDED, "SELECT 1", 0, 1,
                new io.pgconn.config.HostSpec("db", null, 5432), null, "app", 42, "core");
        assertThat(CompositePgTracer.of(List.of(throwing, declining, declining)).statementStarted(start)).isNull();
        PgTracer.StatementSpan span = CompositePgTracer.of(List.of(throwing, following, declining, following)).statementStarted(start);
        span.ended(new PgTracer.StatementEnded(start, PgTracer.StatementOutcome.SUCCESS, 1, null, null, Duration.ZERO));
        assertThat(seen).containsExactly("started SELECT 1", "started SELECT 1", "ended success", "ended success");
    }

    @Test
    void noTracersIsTheNoopTracer() {
        assertThat(CompositePgTracer.of(List.of())).isSameAs(PgTracer.noop());
    }
}
