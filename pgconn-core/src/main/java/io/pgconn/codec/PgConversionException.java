package io.pgconn.codec;

import io.pgconn.PgException;

/**
 * A value cannot be converted: no codec reads a column of that type as the requested class, no codec
 * writes a parameter of that class, or the value does not fit (an {@code int8} read as
 * {@code Integer}, numeric {@code NaN} read as {@code BigDecimal}). Malformed bytes from the server are
 * a {@link io.pgconn.PgProtocolException} instead. Messages name the type and the classes, never the
 * value: parameters may be secrets.
 */
public class PgConversionException extends PgException {

    private static final long serialVersionUID = 1L;

    public PgConversionException(String message) {
        super(null, message);
    }

    public PgConversionException(String message, Throwable cause) {
        super(null, message, cause);
    }

    /** One naming the host the value came from (a row's read adds it to the codec's host-less error). */
    public PgConversionException(String host, String message, Throwable cause) {
        super(host, message, cause);
    }
}
