package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.testing.Connect;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.trace.PgTracer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tracer whose code throws an Error (a failed assertion, a class that would not load) changes nothing the
 * caller sees (docs/query.md §8): the connect and every statement complete with their own outcome. Before, only
 * a RuntimeException was caught, and an Error from a span's end (heard on the event loop after the request had
 * left the in-flight queue) left the statement's future incomplete for good (AUDIT-13 M2).
 */
class ThrowingTracerIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @Test
    void aTracerThatThrowsErrorsChangesNoOutcome() throws Exception {
        AtomicInteger ends = new AtomicInteger();
        PgTracer throwing = new PgTracer() {
            @Override
            public void connectStarted(ConnectStarted event) {
                throw new AssertionError("connectStarted fails");
            }

            @Override
            public void connectEnded(ConnectEnded event) {
                throw new NoClassDefFoundError("connectEnded fails");
            }

            @Override
            public StatementSpan statementStarted(StatementStarted event) {
                if (event.sql().contains("start fails")) {
                    throw new AssertionError("statementStarted fails");
                }
                return ended -> {
                    ends.incrementAndGet();
                    throw new AssertionError("ended fails");
                };
            }
        };
        PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(1).tracer(throwing).build();
        try {
            PgConnection c = factory.connect(Connect.config(PG.primary(), QueryCluster.USER, null, "sslmode=disable"))
                    .get(30, TimeUnit.SECONDS);
            try {
                assertThat(c.query("SELECT $1::int + 1", 41).get(30, TimeUnit.SECONDS).single(Integer.class)).isEqualTo(42);
                assertThat(c.query("SELECT 'start fails'").get(30, TimeUnit.SECONDS).single(String.class)).isEqualTo("start fails");
                assertThat(c.simpleQuery("SELECT 1").get(30, TimeUnit.SECONDS)).isNotNull();
                assertThat(ends).as("the ends the tracer was told of, each throwing").hasValue(2);
            } finally {
                c.close().get(30, TimeUnit.SECONDS);
            }
        } finally {
            factory.close();
        }
    }
}
