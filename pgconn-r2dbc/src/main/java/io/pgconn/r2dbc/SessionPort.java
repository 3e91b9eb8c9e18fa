package io.pgconn.r2dbc;

import io.pgconn.PgConnection;
import reactor.core.publisher.Flux;

import java.util.List;

/**
 * What the R2DBC layer needs from one core session to run statements, so the SPI classes do not
 * depend on how the core's query path is shaped. Each method returns the parts of its outcome as a
 * publisher that submits the work to the session when subscribed (so work is answered in
 * subscription order); it is subscribed once.
 */
interface SessionPort {

    PgConnection connection();

    /** One statement with its parameters ({@link BoundValue}s, one per {@code $n}); {@code fetchSize} 0 = all at once. */
    Flux<ResultPart> execute(String sql, List<BoundValue> parameters, int fetchSize);

    /** Control SQL without parameters (BEGIN, SET ...), possibly several statements: one completion each. */
    Flux<ResultPart> executeScript(String sql);

    /** A parameter value (never a Blob or Clob: those are read before) and its declared type for NULL. */
    record BoundValue(Object value, Class<?> type) {

        static BoundValue of(Object value) {
            return new BoundValue(value, value.getClass());
        }

        static BoundValue nullOf(Class<?> type) {
            return new BoundValue(null, type);
        }
    }
}
