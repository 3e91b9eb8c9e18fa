package io.pgconn.internal.query;

import io.pgconn.query.ColumnMetadata;

/**
 * The seam between the query path and value encoding: which type OID a Java value is sent as, its
 * bytes, which format a result column is asked in, and decoding a column. {@link TextValueCodecs}
 * is the text-only stand-in until the codec registry (io.pgconn.codec) takes this place.
 * Implementations are thread-safe: parameters are encoded on the caller's thread.
 */
public interface ValueCodecs {

    /** The type OID a non-null value is sent as; 0 lets the server infer it from the statement. */
    int typeOidOf(Object value);

    /** The type OID for a NULL bound as {@code type}; 0 lets the server infer it. */
    int typeOidOf(Class<?> type);

    /** The wire format (0 text, 1 binary) {@link #encode} uses for {@code value} sent as {@code typeOid}. */
    short parameterFormat(Object value, int typeOid);

    /** Encodes a non-null value. */
    byte[] encode(Object value, int typeOid);

    /** The format to ask for a result column of {@code typeOid} (0 text, 1 binary). */
    short resultFormat(int typeOid);

    /**
     * Decodes a non-null column value as {@code type} ({@code Object.class}: the type's default
     * mapping). Failures are IllegalArgumentException naming the column's type and the Java type.
     */
    <T> T decode(byte[] data, int offset, int length, ColumnMetadata column, Class<T> type);
}
