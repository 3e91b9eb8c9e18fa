package io.pgconn.internal.query;

import io.pgconn.protocol.backend.DataRow;
import io.pgconn.query.Row;
import io.pgconn.query.RowMetadata;

/** A {@link Row} over one DataRow's bytes, decoded on access through the connection's codecs. */
final class DefaultRow implements Row {

    private final RowMetadata metadata;
    private final DataRow data;
    private final ValueCodecs codecs;

    DefaultRow(RowMetadata metadata, DataRow data, ValueCodecs codecs) {
        this.metadata = metadata;
        this.data = data;
        this.codecs = codecs;
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
        return codecs.decode(data.data(), data.offset(index), data.length(index), metadata.column(index), type);
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
