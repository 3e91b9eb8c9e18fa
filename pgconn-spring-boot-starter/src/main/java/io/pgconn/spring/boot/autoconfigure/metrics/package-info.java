/**
 * Micrometer support: the {@code pg.conn.connect} observation with a child per host attempt, and
 * the {@code pg.conn.*} meters. Registered only when Micrometer is present.
 */
@NullMarked
package io.pgconn.spring.boot.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
