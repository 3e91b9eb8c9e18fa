package io.pgconn.internal.session;

import io.netty.channel.Channel;
import io.pgconn.AuthMethod;
import io.pgconn.NotificationListener;
import io.pgconn.PgConfigException;
import io.pgconn.PgConnection;
import io.pgconn.PgException;
import io.pgconn.ProtocolVersion;
import io.pgconn.QueryResult;
import io.pgconn.ServerRole;
import io.pgconn.codec.CodecRegistry;
import io.pgconn.config.HostSpec;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.internal.copy.CopyInExchange;
import io.pgconn.internal.copy.CopyOutExchange;
import io.pgconn.internal.query.DefaultPgStatement;
import io.pgconn.internal.query.ScriptPublisher;
import io.pgconn.internal.query.SqlScanner;
import io.pgconn.internal.query.RegistryValueCodecs;
import io.pgconn.query.NoticeListener;
import io.pgconn.query.PgStatement;
import io.pgconn.query.RowSet;
import io.pgconn.query.Segment;
import io.pgconn.query.SqlShape;
import io.pgconn.query.TransactionOptions;
import io.pgconn.query.TransactionStatus;

import java.net.SocketAddress;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * The {@link PgConnection} of one established channel. Package-private with package-private
 * mutators: the connect path and the factory reach them only through {@link ConnectionControl},
 * which users never get, so a cast of a connection finds only {@link PgConnection}'s methods
 * (issue 16; {@code DefaultPgConnectionTest} checks it). Transaction control is {@link TransactionCommands}',
 * LISTEN/UNLISTEN {@link ListenCommands}', the type OIDs the codecs are bound to {@link BoundTypeOids}', how the
 * session ends {@link SessionEnd}'s.
 */
final class DefaultPgConnection implements PgConnection {

    private final Channel channel;
    private final SessionFacts facts;
    private final PipelinedSession session;
    private final Map<String, String> parameters;
    /** Sends a CancelRequest; completing the future it returns from outside ends that request and closes its socket. */
    private final Function<SessionFacts, CompletableFuture<Void>> canceller;
    private final SessionEnd end;
    private final TransactionCommands transactions;
    private final ListenCommands listens;
    private final BoundTypeOids typeOids;
    private volatile ServerRole role = ServerRole.UNKNOWN;

    DefaultPgConnection(Channel channel, SessionFacts facts, PipelinedSession session, Map<String, String> parameters,
                               Function<SessionFacts, CompletableFuture<Void>> canceller) {
        this.channel = channel;
        this.facts = facts;
        this.session = session;
        this.parameters = Collections.unmodifiableMap(parameters);
        this.canceller = canceller;
        this.typeOids = new BoundTypeOids(session);
        // the session's label, not hostSpec().label() (a new String per call): one copy per connection, not three
        this.transactions = new TransactionCommands(session, session.host());
        this.listens = new ListenCommands(session);
        this.end = new SessionEnd(channel, session, session.host(), () -> canceller.apply(facts));
        session.cancelAction(end::cancelBounded);
        session.closeAction(this::closeUnanswered);
        session.serverReports().startupReported(); // made once the handshake's values are in, before anyone has it
    }

    /**
     * Runs {@code hook} when the session ended (the channel closed, or a close on the caller's thread shut the socket
     * down: then on that thread), before {@link #close()}'s future completes (so an owner's bookkeeping is done when a
     * caller sees the close); at once if it ended already. Hooks must be thread-safe.
     */
    void onClosed(Runnable hook) {
        end.onClosed(hook);
    }

    /** Set once by the connect path before the connection is handed out. */
    void role(ServerRole role) {
        this.role = role;
    }

    /** Set once by the connect path before the connection is handed out ({@link ServerReports#readWriteTarget}). */
    void target(TargetSessionAttrs target) {
        session.serverReports().readWriteTarget(target == TargetSessionAttrs.READ_WRITE);
    }

    /** The type OIDs found by the connect path: the codecs are bound to them ({@link BoundTypeOids#bind}). */
    void typeOids(Map<String, Integer> typeOids) {
        this.typeOids.bind(typeOids);
    }

    /** Set once by the connect path with the answer's epoch ({@link BoundTypeOids#watch}). */
    void watchTypeOids(java.util.List<String> names, TypeOidEpoch epoch, long knownEpoch) {
        typeOids.watch(names, epoch, knownEpoch);
    }

    void reportRoleChanges(java.util.function.Consumer<Map<String, String>> hostMemory) {
        session.serverReports().roleChanges(new ServerRoleChanges(hostMemory));
    }

    void traceStatements(io.pgconn.trace.PgTracer tracer, String database) {
        session.statementTrace(new io.pgconn.internal.query.StatementTrace(tracer, facts.hostSpec(), facts.remoteAddress(),
                database, facts.processId()));
    }

    Channel channel() {
        return channel;
    }

    SessionFacts facts() {
        return facts;
    }

    @Override
    public HostSpec hostSpec() {
        return facts.hostSpec();
    }

    @Override
    public String host() {
        return facts.hostSpec().label();
    }

    @Override
    public Optional<SocketAddress> remoteAddress() {
        return Optional.ofNullable(facts.remoteAddress());
    }

    @Override
    public int processId() {
        return facts.processId();
    }

    @Override
    public Map<String, String> parameters() {
        return parameters;
    }

    @Override
    public ServerRole role() {
        return role;
    }

    @Override
    public CompletableFuture<ServerRole> currentRole() {
        return simpleQuery(RoleProbe.SQL).thenApply(result -> RoleProbe.parse(host(), result));
    }

    @Override
    public ProtocolVersion protocolVersion() {
        return facts.protocolVersion();
    }

    @Override
    public AuthMethod authMethod() {
        return facts.authMethod();
    }

    @Override
    public Optional<String> tlsProtocol() {
        return facts.tls() == null ? Optional.empty() : Optional.of(facts.tls().protocol());
    }

    @Override
    public OptionalInt typeOid(String typeName) {
        return typeOids.oid(typeName);
    }

    @Override
    public boolean typeOidsStale() {
        return session.typeOidsStale();
    }

    @Override
    public CodecRegistry codecs() {
        return session.codecs() instanceof RegistryValueCodecs registry ? registry.registry() : CodecRegistry.defaults();
    }

    @Override
    public CompletableFuture<Map<String, Integer>> lookupTypeOids(String... typeNames) {
        try {
            return simpleQuery(TypeOidQuery.sql(typeNames)).thenApply(result -> TypeOidQuery.parse(result, typeNames));
        } catch (PgConfigException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The connect path's lookup: {@link #lookupTypeOids} and the database's enum array types ({@link TypeOidQuery#sessionSql}). */
    CompletableFuture<Map<String, Integer>> lookupSessionTypeOids(String... typeNames) {
        try {
            return simpleQuery(TypeOidQuery.sessionSql(typeNames)).thenApply(result -> TypeOidQuery.parseSession(result, typeNames));
        } catch (PgConfigException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<QueryResult> simpleQuery(String sql) {
        return session.simpleQuery(sql);
    }

    @Override
    public CompletableFuture<RowSet> query(String sql, Object... params) {
        try {
            return DefaultPgStatement.query(session, sql, params);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public PgStatement statement(String sql) {
        return new DefaultPgStatement(session, sql);
    }

    @Override
    public SqlShape sqlShape(String sql) {
        java.util.Objects.requireNonNull(sql, "sql");
        return session.sqlShapes().of(sql);
    }

    @Override
    public List<String> statements(String script) {
        java.util.Objects.requireNonNull(script, "script");
        return SqlScanner.statements(script, session.sqlShapes().standardConformingStrings());
    }

    @Override
    public Flow.Publisher<Segment> script(List<String> statements) {
        return new ScriptPublisher(session, statements);
    }

    @Override
    public CompletableFuture<Long> copyIn(String sql, Flow.Publisher<? extends java.nio.ByteBuffer> data) {
        return CopyInExchange.start(session, sql, data);
    }

    @Override
    public Flow.Publisher<java.nio.ByteBuffer> copyOut(String sql) {
        return CopyOutExchange.publisher(session, sql);
    }

    @Override
    public TransactionStatus transactionStatus() {
        return TransactionStatus.of(session.transactionStatusSeenByCaller());
    }

    @Override
    public CompletableFuture<Boolean> nothingInFlight() {
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        if (channel.eventLoop().inEventLoop()) {
            session.nothingInFlight(answer); // at once, unless a caller owns the session (then after it)
            return answer;
        }
        try {
            channel.eventLoop().execute(() -> session.nothingInFlight(answer)); // behind every task queued before
        } catch (RejectedExecutionException e) {
            answer.complete(true); // the event loops are shut down: nothing can be in flight
        }
        return answer;
    }

    @Override
    public CompletableFuture<TransactionStatus> transactionStatusAfterInFlight() {
        return session.transactionStatusAfterInFlight().thenApply(TransactionStatus::of);
    }

    @Override
    public CompletableFuture<Void> begin(TransactionOptions options) {
        return transactions.begin(options);
    }

    @Override
    public CompletableFuture<Void> beginWithFirstStatement(TransactionOptions options) {
        return transactions.beginWithFirstStatement(options);
    }

    @Override
    public CompletableFuture<Void> commit() {
        return transactions.commit();
    }

    @Override
    public CompletableFuture<Void> rollback() {
        return transactions.rollback();
    }

    @Override
    public CompletableFuture<Void> setSavepoint(String name) {
        return transactions.setSavepoint(name);
    }

    @Override
    public CompletableFuture<Void> releaseSavepoint(String name) {
        return transactions.releaseSavepoint(name);
    }

    @Override
    public CompletableFuture<Void> rollbackToSavepoint(String name) {
        return transactions.rollbackToSavepoint(name);
    }

    @Override
    public void noticeListener(NoticeListener listener) {
        session.listeners().noticeListener(listener);
    }

    @Override
    public CompletableFuture<Void> listen(String channelName, NotificationListener listener) {
        return listens.listen(channelName, listener);
    }

    @Override
    public CompletableFuture<Void> unlisten(String channelName) {
        return listens.unlisten(channelName);
    }

    @Override
    public CompletableFuture<Void> cancel() {
        return canceller.apply(facts);
    }

    @Override
    public CompletableFuture<Void> close() {
        return close("closed");
    }

    /**
     * Closes with a specific reason for work in flight (e.g. "closed: the connection factory was
     * closed"): sends Terminate, and a CancelRequest first when a statement is running.
     */
    CompletableFuture<Void> close(String reason) {
        return end.close(reason);
    }

    /** Closes because the server stopped answering: the socket is closed at once, a running statement's cancel only started. */
    CompletableFuture<Void> closeUnanswered(String reason) {
        return end.closeUnanswered(reason);
    }

    /** Whether the close was made on the caller's thread (SessionEnd; tests). */
    boolean closedOnCaller() {
        return end.closedOnCaller();
    }

    /** Statements started on their caller's thread (PipelinedSession#startOnCaller; tests). */
    long startedOnCaller() {
        return session.gate().ownedStarts();
    }

    /** Requests started on their caller's thread that the loop wrote some or all of (tests). */
    long handedToTheLoop() {
        return session.handedToTheLoop();
    }

    /** Why the server ended the session (e.g. 57P01), or null after a close asked by the user. */
    PgException closeCause() {
        return session.whyEnded().cause();
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
        return end.ended();
    }

    @Override
    public boolean isClosed() {
        return end.closing() || !channel.isActive();
    }

    @Override
    public String toString() {
        return "PgConnection[" + host() + ", pid=" + facts.processId() + ", role=" + role.label()
                + (facts.tls() != null ? ", " + facts.tls().protocol() : ", plaintext") + (isClosed() ? ", closed" : "") + "]";
    }
}
