package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.AuthMethod;
import io.pgconn.NotificationListener;
import io.pgconn.PgConnection;
import io.pgconn.ProtocolVersion;
import io.pgconn.QueryResult;
import io.pgconn.ServerRole;
import io.pgconn.codec.CodecRegistry;
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
 * The session of the transaction {@link PgConnSessions#inTransaction} holds open on this thread, as
 * {@link PgConnSessions#withSession} lends it to work called inside that transaction: everything goes to the session,
 * except what would end the transaction out from under {@code inTransaction} — {@link #commit()}, {@link #rollback()},
 * {@link #close()} — and {@link #begin(TransactionOptions)} (or {@link #beginWithFirstStatement}), which would begin nothing (the session is in a
 * transaction already, whose end is {@code inTransaction}'s): each returns a future failed with an
 * {@link IllegalStateException} saying so, and leaves the session and its transaction as they were (as Spring's
 * transaction-aware proxies keep a transaction-bound connection's {@code close()} from ending it). A {@code COMMIT} or
 * {@code ROLLBACK} run as SQL is not refused here: the enclosing {@code inTransaction} says afterwards that its work
 * ended the transaction. Also the view a {@code withSession} nested in another {@code withSession}'s work gets of that
 * call's session ({@link #ofOuterSession}): there only {@link #close()} is refused.
 */
final class TransactionSessionView implements PgConnection {

    private final PgConnection session;

    /** False: the view a nested {@code withSession} gets of an outer {@code withSession}'s session (only close refused). */
    private final boolean transaction;

    TransactionSessionView(PgConnection session) {
        this(session, true);
    }

    private TransactionSessionView(PgConnection session, boolean transaction) {
        this.session = session;
        this.transaction = transaction;
    }

    /**
     * The session an outer {@code withSession} (or {@code withOwnSession}) lends on this thread, as a {@code withSession}
     * inside its work gets it (session 23): everything goes to the session — {@code begin()}, {@code commit()} and
     * {@code rollback()} too, as on a session passed down — except {@link #close()}, which would end it under the outer
     * call (that call hands it back when its work returns).
     */
    static TransactionSessionView ofOuterSession(PgConnection session) {
        return new TransactionSessionView(underlying(session), false);
    }

    /** The session under {@code session} when it is such a view, else {@code session} itself. */
    static PgConnection underlying(PgConnection session) {
        return session instanceof TransactionSessionView view ? view.session : session;
    }

    private CompletableFuture<Void> refused(String call, String why) {
        return CompletableFuture.failedFuture(new IllegalStateException("the session PgConnSessions.withSession lent ("
                + this.session + ") is the one of the transaction inTransaction holds open on this thread: its " + call + " "
                + why + ". inTransaction commits when its work returns and rolls back when it throws (inSavepoint for a"
                + " part that may fail on its own); a session of its own needs a withSession outside that work"));
    }

    @Override
    public CompletableFuture<Void> begin() {
        return begin(TransactionOptions.DEFAULT);
    }

    @Override
    public CompletableFuture<Void> begin(TransactionOptions options) {
        return this.transaction ? refused("begin()", "would begin nothing: the session is in that transaction already")
                : this.session.begin(options);
    }

    @Override
    public CompletableFuture<Void> beginWithFirstStatement(TransactionOptions options) {
        return this.transaction ? refused("beginWithFirstStatement()", "would begin nothing: the session is in that transaction already")
                : this.session.beginWithFirstStatement(options);
    }

    @Override
    public CompletableFuture<Void> commit() {
        return this.transaction ? refused("commit()", "would end that transaction out from under it") : this.session.commit();
    }

    @Override
    public CompletableFuture<Void> rollback() {
        return this.transaction ? refused("rollback()", "would end that transaction out from under it") : this.session.rollback();
    }

    @Override
    public CompletableFuture<Void> close() {
        if (!this.transaction) {
            return CompletableFuture.failedFuture(new IllegalStateException("the session PgConnSessions.withSession lent ("
                    + this.session + ") is the one an outer withSession (or withOwnSession) lends on this thread: its close()"
                    + " would end it under that call, which hands it back when its work returns; a session of its own needs"
                    + " withOwnSession"));
        }
        return refused("close()", "would end the session and that transaction with it");
    }

    @Override
    public HostSpec hostSpec() {
        return this.session.hostSpec();
    }

    @Override
    public String host() {
        return this.session.host();
    }

    @Override
    public Optional<SocketAddress> remoteAddress() {
        return this.session.remoteAddress();
    }

    @Override
    public int processId() {
        return this.session.processId();
    }

    @Override
    public Map<String, String> parameters() {
        return this.session.parameters();
    }

    @Override
    public String parameter(String name) {
        return this.session.parameter(name);
    }

    @Override
    public String serverVersion() {
        return this.session.serverVersion();
    }

    @Override
    public ServerRole role() {
        return this.session.role();
    }

    @Override
    public CompletableFuture<ServerRole> currentRole() {
        return this.session.currentRole();
    }

    @Override
    public ProtocolVersion protocolVersion() {
        return this.session.protocolVersion();
    }

    @Override
    public AuthMethod authMethod() {
        return this.session.authMethod();
    }

    @Override
    public Optional<String> tlsProtocol() {
        return this.session.tlsProtocol();
    }

    @Override
    public OptionalInt typeOid(String typeName) {
        return this.session.typeOid(typeName);
    }

    @Override
    public boolean typeOidsStale() {
        return this.session.typeOidsStale();
    }

    @Override
    public CompletableFuture<Map<String, Integer>> lookupTypeOids(String... typeNames) {
        return this.session.lookupTypeOids(typeNames);
    }

    @Override
    public CodecRegistry codecs() {
        return this.session.codecs();
    }

    @Override
    public CompletableFuture<QueryResult> simpleQuery(String sql) {
        return this.session.simpleQuery(sql);
    }

    @Override
    public CompletableFuture<RowSet> query(String sql, Object... params) {
        return this.session.query(sql, params);
    }

    @Override
    public PgStatement statement(String sql) {
        return this.session.statement(sql);
    }

    @Override
    public SqlShape sqlShape(String sql) {
        return this.session.sqlShape(sql);
    }

    @Override
    public List<String> statements(String script) {
        return this.session.statements(script);
    }

    @Override
    public Flow.Publisher<Segment> script(List<String> statements) {
        return this.session.script(statements);
    }

    @Override
    public CompletableFuture<Long> copyIn(String sql, Flow.Publisher<? extends ByteBuffer> data) {
        return this.session.copyIn(sql, data);
    }

    @Override
    public CompletableFuture<Long> copyIn(String sql, byte[] data) {
        return this.session.copyIn(sql, data);
    }

    @Override
    public Flow.Publisher<ByteBuffer> copyOut(String sql) {
        return this.session.copyOut(sql);
    }

    @Override
    public TransactionStatus transactionStatus() {
        return this.session.transactionStatus();
    }

    @Override
    public CompletableFuture<Boolean> nothingInFlight() {
        return this.session.nothingInFlight();
    }

    @Override
    public CompletableFuture<TransactionStatus> transactionStatusAfterInFlight() {
        return this.session.transactionStatusAfterInFlight();
    }

    @Override
    public CompletableFuture<Void> setSavepoint(String name) {
        return this.session.setSavepoint(name);
    }

    @Override
    public CompletableFuture<Void> releaseSavepoint(String name) {
        return this.session.releaseSavepoint(name);
    }

    @Override
    public CompletableFuture<Void> rollbackToSavepoint(String name) {
        return this.session.rollbackToSavepoint(name);
    }

    @Override
    public void noticeListener(NoticeListener listener) {
        this.session.noticeListener(listener);
    }

    @Override
    public CompletableFuture<Void> listen(String channel, NotificationListener listener) {
        return this.session.listen(channel, listener);
    }

    @Override
    public CompletableFuture<Void> unlisten(String channel) {
        return this.session.unlisten(channel);
    }

    @Override
    public CompletableFuture<Void> cancel() {
        return this.session.cancel();
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
        return this.session.closeFuture();
    }

    @Override
    public boolean isClosed() {
        return this.session.isClosed();
    }

    @Override
    public String toString() {
        return this.session.toString();
    }
}
