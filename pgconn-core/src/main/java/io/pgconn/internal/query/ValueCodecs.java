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

    /**
     * As {@link #encode(Object, int)}, or, nothing encoded, an {@link Encoded} without bytes (its {@code bytes()} null)
     * naming the type it would have been sent as, when the value's bytes are known before they are made to be more than
     * {@code maxBytes} (what is left of the Bind's limit): a text's from its length, a bytea's from its size, an array's
     * or an hstore map's from what its elements take at least ({@link io.pgconn.codec.Encoder#knownLongerThan}). Other
     * values (a codec of one's own) are encoded, then counted by the caller.
     */
    default Encoded encode(Object value, int typeOid, long maxBytes) {
        return encode(value, typeOid);
    }

    /** The name of the type {@code typeOid} for messages ({@code 0}: untyped text, the server infers the type). */
    default String typeName(int typeOid) {
        return typeOid == 0 ? "untyped text" : "type oid " + Integer.toUnsignedString(typeOid);
    }

    /** The type OID a NULL bound as {@code type} is declared with; 0 lets the server infer it. */
    int typeOidOf(Class<?> type);

    /** The format to ask for a result column of {@code typeOid} (0 text, 1 binary). */
    short resultFormat(int typeOid);

    /**
     * Reads the columns of rows described by {@code metadata} that came from {@code host} (named by
     * decode errors); made once per description, shared by its rows.
     */
    RowDecoder rowDecoder(RowMetadata metadata, String host);

    /** A buffer over a value of a row's bytes, for the codecs that read buffers (one per row and reader, reused). */
    interface ValueView {
        /** The row's bytes with the reader and writer index around {@code length} bytes at {@code offset}. */
        ByteBuf view(int offset, int length);
    }

    /** Decodes one column of a row. */
    interface RowDecoder {
        /**
         * The non-null column {@code index}, {@code length} bytes at {@code offset} of
         * {@code row.data()}, as {@code type} ({@code Object.class}: the type's default mapping).
         * Codecs that read arrays read {@code row.data()} directly; the others read
         * {@code views.view(offset, length)}. Failures name the column's type and the Java type, never the value.
         */
        <T> T decode(DataRow row, int index, int offset, int length, ValueView views, Class<T> type);

        /** The server the rows came from, for errors. */
        String host();

        /**
         * The type OID of column {@code index} when the built-in codec reads it and a row may read its bytes
         * itself, exactly as that codec would, else 0: a binary {@code int2/int4/int8/float8} (the big-endian
         * number), a binary {@code bool} (one byte, non-zero for true), a {@code text} or {@code varchar} in
         * either format (its UTF-8 bytes).
         */
        default int plainOid(int index) {
            return 0;
        }
    }
}
