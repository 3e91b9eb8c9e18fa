package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.config.ConnConfig;

/**
 * Adjusts the {@link ConnConfig} of the auto-configured {@link io.pgconn.PgConnectionFactory}
 * after properties and connection details were applied. Beans of this type run in
 * {@link org.springframework.core.Ordered order}.
 */
@FunctionalInterface
public interface ConnConfigCustomizer {

    void customize(ConnConfig.Builder builder);
}
