package io.pgconn.internal.query;

import io.pgconn.internal.protocol.backend.DataRow;
import io.pgconn.query.Row;
import io.pgconn.query.RowMetadata;

/** A {@link Row} over one DataRow's bytes, decoded on access through the connection's codecs. */
final class DefaultRow implements Row {

    private final RowMetadata metadata;
    private final DataRow data;
    private final ValueCodecs.RowDecoder decoder;

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
        return decoder.decode(data, index, type);
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
