package io.pgconn;

import io.pgconn.codec.CodecRegistry;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.query.NoticeListener;
import io.pgconn.query.PgStatement;
import io.pgconn.query.RowSet;
import io.pgconn.query.Segment;
import io.pgconn.query.SqlShape;
import io.pgconn.query.TransactionOptions;
import io.pgconn.query.TransactionStatus;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * An open session with one PostgreSQL server. Obtained from {@link PgConnectionFactory#connect()}
 * or {@link #connect(String)}. All methods are safe from any thread; futures complete on the
 * connection's event loop, so do not block in their callbacks. No method blocks its caller (the blocking
 * stream forms of COPY are {@link io.pgconn.query.PgCopyStreams}').
 */
public interface PgConnection {

    /**
     * Opens a connection described by a libpq connection string (URI or key=value form), with the
     * process-wide default factory.
     */
    static CompletableFuture<PgConnection> connect(String connectionString) {
        return DefaultFactory.INSTANCE.connect(ConnConfig.parse(connectionString));
    }

    /** The host this session landed on. */
    HostSpec hostSpec();

    /** {@code host:port} (or the socket path) of this session's server. */
    String host();

    /**
     * The address this session's socket is connected to: for a host given by name, the one of its addresses that was
     * dialled — after a switchover that repointed the name, possibly its old address, which the JVM's DNS cache keeps
     * for {@code networkaddress.cache.ttl} ({@link JvmDnsCache}, docs/lifecycle.md §1.1); the socket file for a Unix
     * socket. Empty from a connection that does not know it (a default for decorators and test doubles).
     */
    default Optional<SocketAddress> remoteAddress() {
        return Optional.empty();
    }

    /** The backend process id (BackendKeyData). */
    int processId();

    /** The server's ParameterStatus values, kept current for the whole session (read-only view). */
    Map<String, String> parameters();

    default String parameter(String name) {
        return parameters().get(name);
    }

    /** {@code server_version} as the server reported it. */
    default String serverVersion() {
        return parameter("server_version");
    }

    /** The role the server had when the session started (see {@code target_session_attrs}). */
    ServerRole role();

    /**
     * Asks the server its role now, with the probe the connect path uses when ParameterStatus does
     * not tell ({@code pg_is_in_recovery()} and {@code transaction_read_only}, one round trip): a
     * health check sees a promotion or a standby that came back. Fails with a
     * {@link PgConnectException} when the answer is not decisive; {@link #role()} is not changed.
     */
    CompletableFuture<ServerRole> currentRole();

    ProtocolVersion protocolVersion();

    /** The authentication method the server asked for. */
    AuthMethod authMethod();

    /** The TLS protocol in use ({@code TLSv1.3}), empty for a plaintext session. */
    Optional<String> tlsProtocol();

    /**
     * The OID of a configured extension type ({@code extensionTypes}), if it exists, as this connection
     * last looked it up: at connect, and again before its next statement outside a transaction once a
     * connection of its factory ran a command that can create or drop a type ({@code CREATE TYPE},
     * {@code CREATE EXTENSION}, {@code DROP DOMAIN} ...) or {@code PgConnectionFactory.forgetTypeOids()}
     * was called (docs/codecs.md). {@code typeOid("name[]")} is the OID of its array type
     * ({@code pg_type.typarray}).
     */
    OptionalInt typeOid(String typeName);

    /**
     * Whether type DDL ran through this connection's factory (or {@code forgetTypeOids()} was called)
     * since this connection last looked up its {@code extensionTypes}: its next statement outside a
     * transaction looks them up first. Meanwhile a parameter of a class only a named type's codec
     * writes is not refused when bound: it is encoded when the statement is written, after the lookup
     * (docs/codecs.md, "Types created while the application runs").
     */
    boolean typeOidsStale();

    /**
     * Resolves type OIDs now (names are validated identifiers, optionally schema-qualified, optionally
     * ending in {@code []} for the array type); missing types are absent from the map.
     */
    CompletableFuture<Map<String, Integer>> lookupTypeOids(String... typeNames);

    /**
     * The codecs this connection writes parameters and reads values with: its factory's registry
     * ({@code PgConnectionFactory.Builder.codecs}), bound to the type OIDs this connection found
     * ({@link #typeOid}). {@code codecs().encoder(value)} tells whether a value can be a parameter here.
     */
    CodecRegistry codecs();

    /** Runs SQL with the simple query protocol; for several statements the result is the last one's. */
    CompletableFuture<QueryResult> simpleQuery(String sql);

    /**
     * Runs {@code sql} with parameters {@code $1 .. $n} = {@code params} (extended query protocol,
     * the statement prepared once per connection and cached) and gathers its rows: for small
     * results; stream large ones with {@link #statement(String)}. A {@code null} parameter is an
     * untyped NULL. Cancelling the future cancels the statement on the server. Another number of
     * {@code params} than the SQL's highest {@code $n} fails the future with an
     * {@code IllegalArgumentException} naming the host and both counts; nothing is sent.
     *
     * <pre>{@code
     * RowSet rows = connection.query("SELECT id, name FROM users WHERE id = $1", 42).join();
     * String name = rows.row(0).get("name", String.class);
     * }</pre>
     */
    CompletableFuture<RowSet> query(String sql, Object... params);

    /** A statement to bind, batch ({@link PgStatement#add()}) and stream; no round trip until it runs. */
    PgStatement statement(String sql);

    /**
     * What {@code sql} asks for, read as this connection's server reads it (string literals, quoted
     * identifiers, dollar quotes and comments hide {@code $n} and {@code ;}; backslash escapes in
     * plain literals while {@code standard_conforming_strings} is off): its highest {@code $n} and
     * its statements. {@link #query} and {@link PgStatement} check their parameters against it
     * before anything is sent (when {@link SqlShape#certain()}). Remembered per text: cheap to ask
     * again.
     */
    SqlShape sqlShape(String sql);

    /**
     * The statements of {@code script}, split where {@link #sqlShape} counts them (each top-level
     * {@code ;}), stripped; pieces with only blanks and comments are left out.
     */
    List<String> statements(String script);

    /**
     * Runs {@code statements} (one statement each, without parameters) as a script, with PostgreSQL's
     * semantics for a multi-statement simple Query: in order, under one Sync, so outside a transaction
     * they form one implicit transaction (all committed at the end, or none), and the first statement
     * that fails ends the script — the ones after it never run. Inside {@code BEGIN} a failing
     * statement fails the transaction. Cold: runs once per subscription. Emits, per statement, a
     * {@link io.pgconn.query.RowMetadata} when it returns rows, its {@link io.pgconn.query.Row}s,
     * then its {@link io.pgconn.query.CommandResult}; then completes, or signals the first error
     * after the segments of the statements before it. Demand and cancellation as for
     * {@link PgStatement#execute()}; a cancel that reaches the server before the script's end rolls it
     * back outside a transaction (one that comes after its end cannot: docs/query.md §5).
     *
     * <p>Refused before anything is sent (the subscriber's {@code onError}, naming the statement's
     * number, never its text): an element holding several statements (split a script with
     * {@link #statements}), one with {@code $n} parameters, a COPY. Statements that refuse to run in a
     * transaction block ({@code VACUUM}, {@code CREATE DATABASE}, {@code CREATE INDEX CONCURRENTLY}
     * ...) fail inside a script of several statements, as in a multi-statement simple Query: run them
     * alone. A statement that may return rows is described before its Bind (one round trip each,
     * so its rows come in the formats the codecs read); the others go in one write.
     *
     * <pre>{@code
     * connection.script(connection.statements("CREATE TABLE t (id int); INSERT INTO t VALUES (1)"))
     * }</pre>
     */
    Flow.Publisher<Segment> script(List<String> statements);

    /**
     * Runs {@code sql}, one {@code COPY ... FROM STDIN} statement, with the bytes {@code data} publishes as its input
     * (in the COPY's format: text, CSV or binary, as its options say; chunks need not end at row boundaries), and
     * completes with the row count of its {@code COPY n}. The publisher is subscribed when the server is ready for the
     * data (never when the statement fails before), and asked for chunks only while the socket takes them: at most 16
     * ahead of what was written. Each chunk's remaining bytes are copied into the write buffer on the connection's
     * event loop, some time after {@code onNext} and before more is asked for, without moving its position; until
     * then the publisher must not change it (emit a fresh or read-only buffer per chunk).
     *
     * <p>The copy owns the session from its start to its end: requests made meanwhile wait, and run after it in
     * order. Inside a transaction it is part of it; outside one it commits at its end or not at all. A bad row fails
     * the future with the server's error (the whole COPY is rolled back, the connection stays usable). A publisher
     * error fails the COPY with CopyFail — whose reason names the error's class, never its message — and the future with
     * a {@link PgException} whose cause is the publisher's error. Cancelling the future does the same (CopyFail, or the
     * statement taken back while still queued). The server's {@code statement_timeout} applies as to any statement;
     * {@link #cancel()} asks the server to stop it. A text of several statements fails the future with an
     * {@code IllegalArgumentException} before anything is sent; a statement that is not a COPY FROM STDIN fails it
     * with a {@link PgException} saying what the server started (docs/query.md §6). Each chunk's bytes are copied when
     * it is written: until then leave it alone, or emit a fresh buffer per chunk; a publisher that is a
     * {@link io.pgconn.query.CopyInPublisher} is told each chunk pgconn is done with, to reuse it. From an
     * {@code InputStream}, on a thread that may block: {@link io.pgconn.query.PgCopyStreams#copyIn}.
     *
     * <pre>{@code
     * long rows = connection.copyIn("COPY item (id, name) FROM STDIN (FORMAT csv)",
     *         publisherOf(ByteBuffer.wrap("1,apple\n2,pear\n".getBytes(UTF_8)))).join();
     * }</pre>
     */
    CompletableFuture<Long> copyIn(String sql, Flow.Publisher<? extends ByteBuffer> data);

    /** {@link #copyIn(String, Flow.Publisher)} with {@code data} as one chunk, copied when it is written: leave the array alone until the future completes. */
    default CompletableFuture<Long> copyIn(String sql, byte[] data) {
        ByteBuffer chunk = ByteBuffer.wrap(data).asReadOnlyBuffer();
        return copyIn(sql, subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            private boolean sent;

            @Override
            public void request(long n) {
                if (!sent) {
                    sent = true;
                    subscriber.onNext(chunk);
                    subscriber.onComplete();
                }
            }

            @Override
            public void cancel() {
                sent = true;
            }
        }));
    }

    /**
     * Runs {@code sql}, one {@code COPY ... TO STDOUT} statement, when subscribed (cold: once per subscription), and
     * publishes its output as the server sends it: one chunk per CopyData message — a row in the text and CSV formats —
     * each a heap {@link ByteBuffer} of its own, the subscriber's to keep. Chunks wait for demand with the socket not
     * read meanwhile, so the server waits and the heap holds at most one read's worth (a 1 GB export read slowly stays
     * that small). Completes after the last chunk at the COPY's end; a server error is signalled after the chunks that
     * came before it. Cancelling the subscription asks the server to stop (a CancelRequest while the COPY runs), reads
     * the rest past, and leaves the connection usable. The copy owns the session as {@link #copyIn} does; a statement
     * that is not a COPY TO STDOUT is signalled as a {@link PgException} (a COPY FROM STDIN is failed with CopyFail).
     * A {@link io.pgconn.query.CopyOutSubscriber} also hears the COPY's row count, just before {@code onComplete}. To
     * an {@code OutputStream}, on a thread that may block: {@link io.pgconn.query.PgCopyStreams#copyOut}.
     *
     * <pre>{@code
     * connection.copyOut("COPY item TO STDOUT (FORMAT csv)").subscribe(subscriberWritingTo(file));
     * }</pre>
     */
    Flow.Publisher<ByteBuffer> copyOut(String sql);

    /**
     * The transaction status of the server's last ReadyForQuery (before any request, IDLE) — except that a transaction
     * begun with {@link #beginWithFirstStatement} is {@code IN_TRANSACTION} from that call on ({@code FAILED} when its
     * {@code BEGIN} failed) until its {@code BEGIN} is answered, its commit or its rollback.
     */
    TransactionStatus transactionStatus();

    /**
     * Whether every request made of this session before the call has been answered by its ReadyForQuery
     * (also one cancelled or given up on: it stays in flight until the server's answer ends it), so that
     * {@link #transactionStatus()} is the status after all of them; true on a closed session. Completes on the
     * session's event loop (at once when called there), after every request, demand and cancel made before the
     * call; safe from any thread.
     */
    CompletableFuture<Boolean> nothingInFlight();

    /**
     * The transaction status once every request made of this session before the call has its ReadyForQuery (also
     * one cancelled or given up on: it stays in flight until the server's answer ends it): whether what they did,
     * a {@code BEGIN} written and unanswered included, left a transaction open. Requests made after the call are
     * written only once it completed (it holds their place). Completes on the session's event loop (at once when
     * called there with nothing in flight, also while a CancelRequest sent for one of them still holds later requests
     * back: it writes nothing, so it does not wait for the cancel connection to end); fails with {@link io.pgconn.PgClosedException} when the session ends
     * first, saying, as a request submitted after the end does, that nothing more was sent ("…; the statement was not
     * sent, so it did not run": what the caller sends next never runs; docs/query.md §5); safe from any thread. pgconn-r2dbc's release clean-up rolls back only when it is not
     * {@link TransactionStatus#IDLE} (r2dbc.md §4).
     */
    CompletableFuture<TransactionStatus> transactionStatusAfterInFlight();

    /** {@code BEGIN} with the session's default isolation level and access mode. */
    default CompletableFuture<Void> begin() {
        return begin(TransactionOptions.DEFAULT);
    }

    /**
     * {@code BEGIN ISOLATION LEVEL ..., READ ONLY|READ WRITE, [NOT] DEFERRABLE} as {@code options} say. With {@code
     * READ WRITE} on a {@code target_session_attrs=read-write} connection whose server reported turning read-only (a
     * reload) by the BEGIN's answer, it fails with {@link PgServerTurnedReadOnlyException}, the transaction rolled back
     * (docs/query.md §5).
     */
    CompletableFuture<Void> begin(TransactionOptions options);

    /**
     * Begins a transaction as {@code options} say with the next request, saving {@link #begin(TransactionOptions)}'s
     * round trip, as pgjdbc does with auto-commit off: the {@code BEGIN}'s Parse/Bind/Execute are written in the same
     * Sync group as the next statement's (one round trip for both), and requests made before that group is answered
     * wait unwritten until it is. Should the {@code BEGIN} fail ({@code BEGIN READ WRITE} on a hot standby, SQLSTATE
     * 25006), the server skips the statement, which fails with the {@code BEGIN}'s error, and every request made
     * until {@link #commit()} or {@link #rollback()} fails with that error too, unsent: nothing of the transaction runs
     * outside it. A simple query, script or COPY as the first request gets a {@code BEGIN} of its own in front (a
     * simple Query cannot follow a failed message in one Sync group), still before anything else is written. A
     * {@code commit()} or {@code rollback()} with no request in between sends nothing (there was nothing to
     * commit: as pgjdbc, and a {@code BEGIN READ WRITE} a standby would refuse is then not reported); a commit after a
     * failed {@code BEGIN} fails with its error, a rollback completes. Until the {@code BEGIN} is known to have
     * succeeded, {@link #transactionStatus()} says {@code IN_TRANSACTION} ({@code FAILED} once it failed: only a
     * rollback ends it). Completes once it is in place (no round trip), in order with the requests made before on
     * this thread; safe from any thread (docs/query.md §5). The default, for a {@code PgConnection} that is not
     * pgconn's own (a wrapper of it that does not forward this method), is {@link #begin(TransactionOptions)}: the
     * same safety, one round trip more.
     */
    default CompletableFuture<Void> beginWithFirstStatement(TransactionOptions options) {
        return begin(options);
    }

    /**
     * {@code COMMIT}. When the transaction had already failed (an earlier statement's error, timeout
     * or cancel), the server rolls it back instead and says so only by the command tag {@code ROLLBACK}:
     * the future then fails with {@link PgTransactionRolledBackException} (SQLSTATE 25P02), as pgjdbc's
     * commit does, so that lost work is never reported as committed. The session is idle after either.
     * When the session ends after the COMMIT was written and before its answer, the future fails with
     * {@link PgCommitOutcomeUnknownException}: the transaction may or may not have committed. So does a
     * commit sent as text ({@code simpleQuery}, {@code query}, {@code statement}) whose first keyword is
     * {@code COMMIT} or {@code END} (docs/query.md §5).
     */
    CompletableFuture<Void> commit();

    CompletableFuture<Void> rollback();

    /** {@code SAVEPOINT "name"} (the name is quoted as an identifier). */
    CompletableFuture<Void> setSavepoint(String name);

    /** {@code RELEASE SAVEPOINT "name"}. */
    CompletableFuture<Void> releaseSavepoint(String name);

    /** {@code ROLLBACK TO SAVEPOINT "name"}. */
    CompletableFuture<Void> rollbackToSavepoint(String name);

    /** Receives the server's notices and warnings (null: drop them), on the event loop. */
    void noticeListener(NoticeListener listener);

    /**
     * {@code LISTEN channel}; notifications go to {@code listener} on the event loop. A channel name that
     * is empty, holds NUL or is longer than a PostgreSQL identifier (63 bytes in UTF-8: the server would
     * truncate it, and its notifications would reach no listener) fails at once with a
     * {@link PgConfigException} naming it and its byte length; {@link #unlisten} refuses it the same way.
     */
    CompletableFuture<Void> listen(String channel, NotificationListener listener);

    /** {@code UNLISTEN channel}; the listener gets its completion signal. */
    CompletableFuture<Void> unlisten(String channel);

    /**
     * Asks the server to cancel the statement in progress (a separate connection to the same address), as libpq's
     * {@code PQcancel}: one request for whatever the backend runs when it arrives — PostgreSQL drops it when the backend
     * waits for, or reads, its next message (a statement submitted but not started yet). Cancelling a statement's own
     * future or subscription, or its timeout, sends its request again while it has not answered (docs/query.md §5).
     */
    CompletableFuture<Void> cancel();

    /**
     * Closes the session: stops notifications, sends Terminate if possible, closes the channel, and
     * fails work in flight with a "connection closed" error. Idempotent and safe from any thread,
     * also after its factory was closed (then it returns a completed future, never throws);
     * every call returns the same future, which completes once the Terminate was sent and the socket shut down or
     * closed, and the owners' bookkeeping (the factory's count, the tracer's {@code connectionClosed}) is done. An idle
     * plaintext session on epoll is closed on the calling thread, everything else on the connection's event loop
     * (docs/lifecycle.md §4).
     */
    CompletableFuture<Void> close();

    /**
     * Completes when the session has ended, for whatever reason, after the factory has stopped
     * counting it: normally after {@link #close()} (by the user or by the factory's close),
     * exceptionally with a {@link PgException} when the server ended the session (e.g. SQLSTATE
     * 57P01 at shutdown) or the connection was lost. A listener such as
     * {@link io.pgconn.notify.NotificationSubscriber} re-connects on it.
     */
    CompletableFuture<Void> closeFuture();

    boolean isClosed();
}
