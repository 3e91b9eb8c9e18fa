/**
 * pgjdbc connections for migration tools (Flyway, Liquibase) derived from the auto-configured factory's settings:
 * the one place of the URL mapping, what is refused, and the password ({@code PgjdbcUrl}, {@code PgjdbcPassword},
 * {@code PgjdbcConnectionDetails}; starter README, "Migrations").
 */
@NullMarked
package io.pgconn.spring.boot.autoconfigure.pgjdbc;

import org.jspecify.annotations.NullMarked;
