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
    void noTracersIsTheNoopTracer() {
        assertThat(CompositePgTracer.of(List.of())).isSameAs(PgTracer.noop());
    }
}
