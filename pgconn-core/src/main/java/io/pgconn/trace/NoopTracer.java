package io.pgconn.trace;

/** The tracer that does nothing; every default method of {@link PgTracer} is already a no-op. */
enum NoopTracer implements PgTracer {
    INSTANCE
}
