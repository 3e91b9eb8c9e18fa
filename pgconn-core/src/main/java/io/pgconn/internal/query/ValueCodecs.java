package io.pgconn.internal.query;

import io.netty.buffer.ByteBuf;
import io.pgconn.internal.protocol.backend.DataRow;
import io.pgconn.query.RowMetadata;

/**
 * The seam between the query path and value encoding: which type OID a Java value is sent as, its
 * bytes, which format a result column is asked in, and decoding a column. {@link RegistryValueCodecs}
 * puts the connection's {@link io.pgconn.codec.CodecRegistry} here; {@link TextValueCodecs} is the
 * text-only variant used by tests of the protocol alone. Implementations are thread-safe:
 * parameters are encoded on the caller's thread, rows may be read on any thread.
 */
public interface ValueCodecs {

    /** One parameter value ready for Parse and Bind. */
    record Encoded(int typeOid, short format, byte[] bytes) {
        @Override
        public String toString() {
            return "Encoded[oid " + typeOid + ", format " + format + "]"; // never the bytes: they may be a secret
        }
    }

    /** Encodes a non-null value, as its Java class says ({@code typeOid} 0) or as type {@code typeOid}. */
    Encoded encode(Object value, int typeOid);

    /** The type OID a NULL bound as {@code type} is declared with; 0 lets the server infer it. */
    int typeOidOf(Class<?> type);

    /** The format to ask for a result column of {@code typeOid} (0 text, 1 binary). */
    short resultFormat(int typeOid);

    /**
     * Reads the columns of rows described by {@code metadata} that came from {@code host} (named by
     * decode errors); made once per description, shared by its rows.
     */
    RowDecoder rowDecoder(RowMetadata metadata, String host);

    /** Decodes one column of a row. */
    interface RowDecoder {
        /**
         * A non-null column as {@code type} ({@code Object.class}: the type's default mapping);
         * {@code value} is the row's bytes with the reader and writer index around the column (one
         * view per row, reused for its columns: no buffer per value). Failures name the column's
         * type and the Java type, never the value.
         */
        <T> T decode(DataRow row, int index, ByteBuf value, Class<T> type);

        /** The server the rows came from, for errors. */
        String host();

        /**
         * The type OID of column {@code index} when it arrives in binary and the built-in codec reads
         * it (so its bytes may be read directly as the big-endian number they are), else 0.
         */
        default int plainOid(int index) {
            return 0;
        }
    }
}
