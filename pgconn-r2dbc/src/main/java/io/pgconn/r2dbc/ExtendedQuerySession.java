package io.pgconn.r2dbc;

import io.pgconn.PgConnection;
import io.pgconn.QueryResult;
import io.pgconn.codec.CodecRegistry;
import io.pgconn.codec.PgConversionException;
import io.pgconn.query.ColumnMetadata;
import io.pgconn.query.CommandResult;
import io.pgconn.query.PgStatement;
import io.pgconn.query.Row;
import io.pgconn.query.RowMetadata;
import io.pgconn.query.Segment;
import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Clob;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@link SessionPort} on the core's extended query path: parameters bound as typed values
 * (binary where a codec writes binary), rows streamed from the core's {@code Flow.Publisher} with
 * the subscriber's demand (no buffering here), decoded by the core's codecs when a value is asked for.
 */
final class ExtendedQuerySession implements SessionPort {

    private final PgConnection connection;

    ExtendedQuerySession(PgConnection connection) {
        this.connection = connection;
    }

    /**
     * Whether a value can be a parameter: a class some built-in codec writes, or one of the
     * extension types ({@code Map} for hstore, {@code float[]} for vector) whose OIDs each
     * connection learns at connect; {@link IllegalArgumentException} otherwise.
     */
    static void checkBindable(Object value) {
        if (value instanceof Map<?, ?> || value instanceof float[] || value instanceof List<?>) {
            return;
        }
        try {
            CodecRegistry.defaults().encoder(value);
        } catch (PgConversionException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public PgConnection connection() {
        return connection;
    }

    @Override
    public Flux<ResultPart> execute(String sql, List<BoundValue> parameters, int fetchSize) {
        return Flux.defer(() -> {
            PgStatement statement = connection.statement(sql).fetchSize(fetchSize);
            for (int i = 0; i < parameters.size(); i++) {
                BoundValue bound = parameters.get(i);
                if (bound.value() == null) {
                    statement.bindNull(i, bound.type());
                } else {
                    statement.bind(i, bound.value());
                }
            }
            SegmentMapper mapper = new SegmentMapper();
            return JdkFlowAdapter.flowPublisherToFlux(statement.execute()).handle((segment, sink) -> {
                ResultPart part = mapper.apply(segment);
                if (part != null) {
                    sink.next(part);
                }
            });
        });
    }

    /** Control SQL (BEGIN, SET, SAVEPOINT ...) on the simple query protocol: several statements in one round trip. */
    @Override
    public Flux<ResultPart> executeScript(String sql) {
        return Flux.defer(() -> Mono.fromFuture(connection.simpleQuery(sql), true)
                .map(QueryResult::commandTag)
                .map(ResultPart.Completion::of));
    }

    /** Core segments to parts: the row description becomes the columns every row of the execution shares. */
    private static final class SegmentMapper {
        private RowMetadata metadata;
        private List<RowData.ColumnInfo> columns = List.of();

        ResultPart apply(Segment segment) {
            if (segment instanceof Row row) {
                if (row.metadata() != metadata) {
                    describe(row.metadata());
                }
                return new ResultPart.RowPart(new CoreRow(row, columns));
            }
            if (segment instanceof RowMetadata description) {
                describe(description);
                return null;
            }
            CommandResult done = (CommandResult) segment;
            return new ResultPart.Completion(done.commandTag(), done.rowCount().orElse(-1));
        }

        private void describe(RowMetadata description) {
            metadata = description;
            List<RowData.ColumnInfo> infos = new ArrayList<>(description.size());
            for (ColumnMetadata column : description.columns()) {
                infos.add(new RowData.ColumnInfo(column.name(), column.typeOid(), column.typeModifier()));
            }
            columns = List.copyOf(infos);
        }
    }

    /** A core row read the R2DBC way: bytea is a ByteBuffer and json a String by default, Blob and Clob on request. */
    private record CoreRow(Row row, List<ColumnInfo> columns) implements RowData {

        @Override
        public <T> T get(int index, Class<T> type) {
            try {
                if (type == Blob.class) {
                    byte[] bytes = row.get(index, byte[].class);
                    return bytes == null ? null : type.cast(Blob.from(Mono.fromSupplier(() -> ByteBuffer.wrap(bytes))));
                }
                if (type == Clob.class) {
                    String text = row.get(index, String.class);
                    return text == null ? null : type.cast(Clob.from(Mono.just(text)));
                }
                if (type == Object.class) {
                    // the Java type the column metadata announces (bytea: ByteBuffer, json: String), so
                    // values and metadata agree; types the table does not know keep the core's default
                    PgType known = PgType.ofOid(columns.get(index).typeOid());
                    if (known != PgType.UNKNOWN) {
                        return type.cast(row.get(index, known.getJavaType()));
                    }
                }
                return row.get(index, type);
            } catch (PgConversionException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }
}
