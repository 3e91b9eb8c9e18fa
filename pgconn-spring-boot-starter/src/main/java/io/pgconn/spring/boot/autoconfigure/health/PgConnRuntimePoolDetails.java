package io.pgconn.spring.boot.autoconfigure.health;

import java.util.Map;

/**
 * What the {@code pgConnRuntime} health shows of one pool registered with a runtime factory
 * ({@link io.pgconn.spring.boot.autoconfigure.PgConnRuntimeFactories}); the R2DBC part of the starter provides it for
 * r2dbc-pool pools, so the health itself needs no R2DBC class.
 */
@FunctionalInterface
public interface PgConnRuntimePoolDetails {

    /** The pool's figures (no secrets); empty for an object it does not know. */
    Map<String, Object> of(Object pool);
}
