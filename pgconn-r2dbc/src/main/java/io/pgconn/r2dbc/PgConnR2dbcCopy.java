package io.pgconn.r2dbc;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;

/**
 * PostgreSQL's COPY on a pgconn R2DBC connection (docs/r2dbc.md §6; the core's {@code PgConnection.copyIn} and
 * {@code copyOut}, docs/query.md §6). Every connection of pgconn-r2dbc's {@code ConnectionFactory} is one: cast it,
 * or reach it under r2dbc-pool and proxies with {@link PgConnUnwrap#copy}:
 *
 * <pre>{@code
 * Mono<Long> rows = Mono.usingWhen(connectionFactory.create(),
 *         connection -> PgConnUnwrap.copy(connection).copyIn("COPY item FROM STDIN (FORMAT csv)", lines),
 *         Connection::close);
 * }</pre>
 *
 * A copy is an operation of the connection like a statement: results made before it and not read are run first, with
 * auto-commit off a transaction is begun first, and inside a transaction the COPY is part of it (a failed COPY fails
 * the transaction). Errors are R2DBC exceptions ({@code R2dbcException} subclasses), as a statement's are.
 */
public interface PgConnR2dbcCopy {

    /**
     * Runs {@code sql}, one {@code COPY ... FROM STDIN}, with the bytes {@code data} publishes, when subscribed; emits
     * the row count. {@code data} is subscribed once the server is ready for it and asked for chunks only as the socket
     * takes them; each chunk's remaining bytes are copied when written, after which pgconn keeps no reference to it
     * (until then the publisher must not change it). An error of {@code data}, or cancelling the returned Mono, fails
     * the COPY, which the server rolls back; the connection stays usable.
     */
    Mono<Long> copyIn(String sql, Publisher<ByteBuffer> data);

    /**
     * Runs {@code sql}, one {@code COPY ... TO STDOUT}, when subscribed, and emits its output with the reader's demand:
     * a {@link ByteBuffer} per CopyData message (a row in the text and CSV formats), the reader's to keep. Without
     * demand the socket is not read, so the server waits; cancelling asks the server to stop and leaves the connection
     * usable.
     */
    Flux<ByteBuffer> copyOut(String sql);
}
