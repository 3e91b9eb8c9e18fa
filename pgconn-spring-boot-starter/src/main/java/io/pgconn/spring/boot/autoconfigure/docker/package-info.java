/**
 * Docker Compose support: {@link io.pgconn.spring.boot.autoconfigure.PgConnConnectionDetails} for a
 * {@code postgres} service started by Spring Boot's {@code spring-boot-docker-compose}.
 */
@NullMarked
package io.pgconn.spring.boot.autoconfigure.docker;

import org.jspecify.annotations.NullMarked;
