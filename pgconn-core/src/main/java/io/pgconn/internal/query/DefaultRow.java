package io.pgconn.internal.query;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pgconn.internal.protocol.backend.DataRow;
import io.pgconn.query.Row;
import io.pgconn.query.RowMetadata;

/**
 * A {@link Row} over one DataRow's bytes, decoded on access through the connection's codecs. Reads
 * of one row are not synchronized (like a JDBC ResultSet row): read a row from one thread at a time.
 */
final class DefaultRow implements Row {

    private final RowMetadata metadata;
    private final DataRow data;
    private final ValueCodecs.RowDecoder decoder;
    /** A heap view of the row's bytes, made on the first read and moved from column to column. */
    private ByteBuf view;

    DefaultRow(RowMetadata metadata, DataRow data, ValueCodecs.RowDecoder decoder) {
        this.metadata = metadata;
        this.data = data;
        this.decoder = decoder;
    }

    @Override
    public RowMetadata metadata() {
        return metadata;
    }

    @Override
    public <T> T get(int index, Class<T> type) {
        metadata.column(index); // range check with a clear message
        if (data.isNull(index)) {
            return null;
        }
        ByteBuf value = view;
        if (value == null) {
            value = view = Unpooled.wrappedBuffer(data.data()); // unpooled heap: nothing to release
        }
        int offset = data.offset(index);
        value.setIndex(offset, offset + data.length(index));
        return decoder.decode(data, index, value, type);
    }

    @Override
    public boolean isNull(int index) {
        metadata.column(index);
        return data.isNull(index);
    }

    /** Column names and count only: values may be secrets. */
    @Override
    public String toString() {
        return "Row" + metadata.names();
    }
}
