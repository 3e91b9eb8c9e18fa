/** R2DBC on pgconn in Spring Boot: a pooled {@code io.r2dbc.spi.ConnectionFactory} sharing the starter's PgConnectionFactory. */
@NullMarked
package io.pgconn.spring.boot.autoconfigure.r2dbc;

import org.jspecify.annotations.NullMarked;
