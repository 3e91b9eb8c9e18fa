package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnectionFactory;

/**
 * Adjusts the {@link PgConnectionFactory.Builder} of the auto-configured factory (and so of the
 * R2DBC pool over it) after the starter applied its tracers, the SSL bundle's material and a
 * {@link io.pgconn.codec.CodecRegistry} bean: for what a {@code ConnConfig} does not hold, such as
 * {@code codecs(...)} or {@code threads(...)}. Beans of this type run in
 * {@link org.springframework.core.Ordered order}; the factory stays the starter's, with its health,
 * meters, observations and shutdown.
 *
 * <p>They run for every factory made with {@link PgConnFactoryBuilders#builder} too (a "reads on the standby" factory
 * derived from the auto-configured one), by the same code: a customizer written for "the" factory — a thread count, a
 * connect-related setting tuned for the primary — applies to those as well (REVIEW-20 D1). Decision: no bean name is
 * passed in (a second method would not fit a lambda, and what derived factories must share — codecs, TLS — is why they
 * run there); what one derived factory should have otherwise is set on the builder {@code PgConnFactoryBuilders.builder}
 * returns, which comes after the customizers and so has the last word, and a tracer of its own is its {@code own}
 * tracers argument. {@code builder.tracer(...)} here replaces the starter's tracers (observations, meters, failover
 * counting): add a {@link io.pgconn.trace.PgTracer} bean instead.
 */
@FunctionalInterface
public interface PgConnectionFactoryBuilderCustomizer {

    void customize(PgConnectionFactory.Builder builder);
}
