package io.pgconn.r2dbc;

import io.pgconn.PgConnection;
import reactor.core.publisher.Flux;

import java.util.List;

/**
 * What the R2DBC layer needs from one core session to run statements, so the SPI classes do not
 * depend on how the core's query path is shaped. Every method submits its work to the session
 * when called (so work is answered in call order) and returns the parts of its outcome; the returned
 * publisher must be subscribed once, and drained if its result is not wanted.
 */
interface SessionPort {

    PgConnection connection();

    /** One statement with its parameters ({@link BoundValue}s, one per {@code $n}); {@code fetchSize} 0 = all at once. */
    Flux<ResultPart> execute(String sql, List<BoundValue> parameters, int fetchSize);

    /** SQL text without parameters, possibly several statements separated by {@code ;}: one completion each. */
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
