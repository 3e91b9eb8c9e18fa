/**
 * Spring Boot auto-configuration for pgconn: {@code pg.conn.*} properties, the
 * {@link io.pgconn.PgConnectionFactory} bean and its orderly shutdown.
 */
@NullMarked
package io.pgconn.spring.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;
