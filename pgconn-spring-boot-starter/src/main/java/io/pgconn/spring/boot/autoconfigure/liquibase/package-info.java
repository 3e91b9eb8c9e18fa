/**
 * Liquibase next to the starter: a {@code LiquibaseConnectionDetails} (and, without the starter's Flyway details, a
 * {@code JdbcConnectionDetails}) for pgjdbc derived from the auto-configured factory's settings, so that
 * {@code pg.conn.*} is the one place of hosts, user, password and TLS (starter README, "Migrations").
 */
@NullMarked
package io.pgconn.spring.boot.autoconfigure.liquibase;

import org.jspecify.annotations.NullMarked;
