/**
 * {@code @ServiceConnection} support: Testcontainers' PostgreSQL container as
 * {@link io.pgconn.spring.boot.autoconfigure.PgConnConnectionDetails}.
 */
@NullMarked
package io.pgconn.spring.boot.autoconfigure.testcontainers;

import org.jspecify.annotations.NullMarked;
