package io.pgconn.testing;

/** A user's money class, in cents: read from and written as int8 by {@link CentsCodec}. */
public record Cents(long value) {
}
