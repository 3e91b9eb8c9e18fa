package io.pgconn.internal.query;

import io.pgconn.internal.protocol.backend.RowDescription;
import io.pgconn.query.ColumnMetadata;
import io.pgconn.query.RowMetadata;

import java.util.ArrayList;
import java.util.List;

/**
 * What a statement's rows look like to the client: the result formats Bind asks for (binary where a
 * codec reads the type in binary), the {@link RowMetadata} users see and the decoder of its rows. For
 * a cached statement they are built once and kept on its {@link StatementCache.Entry}, rebuilt only
 * when its description or the connection's codecs change. Event loop only.
 */
record ResultShape(short[] formats, RowMetadata metadata, ValueCodecs.RowDecoder rowDecoder) {

    private static final RowMetadata NO_COLUMNS = new RowMetadata(List.of());
    /** All columns in text: Bind's empty list of result formats (never written to). */
    private static final short[] NO_FORMATS = new short[0];

    /** The shape of an unnamed statement's rows, built for this execution. */
    static ResultShape of(RowDescription description, ValueCodecs codecs, String host) {
        short[] formats = formatsFor(description, codecs);
        RowMetadata metadata = metadataOf(description, formats);
        return new ResultShape(formats, metadata, codecs.rowDecoder(metadata, host));
    }

    /**
     * Brings the shape kept on a cached statement's {@code entry} up to date (its metadata,
     * metadataFormats and rowDecoder): shared by the statement's executions, never written to.
     */
    static void refresh(StatementCache.Entry entry, RowDescription description, ValueCodecs codecs, String host) {
        if (entry.metadata == null || entry.formatsDescription != description || entry.formatsCodecs != codecs) {
            short[] formats = formatsFor(description, codecs);
            // built once per statement, not per execution; again when its description or the codecs change, even
            // with the same formats (a type's OID bound after DDL: a text enum stays text, but gets its codec)
            entry.metadata = metadataOf(description, formats);
            entry.metadataFormats = formats;
            entry.rowDecoder = codecs.rowDecoder(entry.metadata, host);
            entry.formatsDescription = description;
            entry.formatsCodecs = codecs;
        }
    }

    /** The result formats Bind asks for: binary where a codec reads the column's type in binary; none (all text) when no column is binary. */
    static short[] formatsFor(RowDescription description, ValueCodecs codecs) {
        List<RowDescription.Column> columns = description.columns();
        short[] formats = new short[columns.size()];
        boolean anyBinary = false;
        for (int i = 0; i < formats.length; i++) {
            formats[i] = codecs.resultFormat(columns.get(i).typeOid());
            anyBinary |= formats[i] != 0;
        }
        return anyBinary ? formats : NO_FORMATS;
    }

    /**
     * The metadata users see for {@code description} read in {@code formats} ({@link #formatsFor}); {@code formats}
     * null: each column's own (a portal description carries the formats chosen in Bind). Shared with {@link ScriptExchange}.
     */
    static RowMetadata metadataOf(RowDescription description, short[] formats) {
        if (description.columns().isEmpty()) {
            return NO_COLUMNS;
        }
        List<ColumnMetadata> columns = new ArrayList<>(description.columns().size());
        for (int i = 0; i < description.columns().size(); i++) {
            RowDescription.Column c = description.columns().get(i);
            short format = formats == null ? c.format() : formats.length == 0 ? 0 : formats.length == 1 ? formats[0] : formats[i];
            columns.add(new ColumnMetadata(c.name(), c.typeOid(), c.typeModifier(), c.typeSize(), c.tableOid(),
                    c.columnNumber(), format));
        }
        return new RowMetadata(columns);
    }
}
