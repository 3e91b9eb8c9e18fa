/**
 * Health of the auto-configured {@link io.pgconn.PgConnectionFactory}: a reused monitor connection
 * and the {@code pgConn} health indicator.
 */
@NullMarked
package io.pgconn.spring.boot.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
