package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnectionFactory;

/**
 * Adjusts the {@link PgConnectionFactory.Builder} of the auto-configured factory (and so of the
 * R2DBC pool over it) after the starter applied its tracers, the SSL bundle's material and a
 * {@link io.pgconn.codec.CodecRegistry} bean: for what a {@code ConnConfig} does not hold, such as
 * {@code codecs(...)} or {@code threads(...)}. Beans of this type run in
 * {@link org.springframework.core.Ordered order}; the factory stays the starter's, with its health,
 * meters, observations and shutdown.
 */
@FunctionalInterface
public interface PgConnectionFactoryBuilderCustomizer {

    void customize(PgConnectionFactory.Builder builder);
}
