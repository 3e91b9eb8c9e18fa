/**
 * Spring Data R2DBC on pgconn: the dialect that makes pgconn's value classes ({@code PgVector},
 * {@code Json}) entity properties, found by Spring Data's own dialect lookup.
 */
@NullMarked
package io.pgconn.spring.boot.autoconfigure.data;

import org.jspecify.annotations.NullMarked;
