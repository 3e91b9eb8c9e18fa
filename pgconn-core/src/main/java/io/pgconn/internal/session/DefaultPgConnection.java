package io.pgconn.internal.session;

import io.netty.channel.Channel;
import io.pgconn.AuthMethod;
import io.pgconn.NotificationListener;
import io.pgconn.PgClosedException;
import io.pgconn.PgCommitOutcomeUnknownException;
import io.pgconn.PgConfigException;
import io.pgconn.PgTransactionRolledBackException;
import io.pgconn.PgConnection;
import io.pgconn.PgException;
import io.pgconn.ProtocolVersion;
import io.pgconn.QueryResult;
import io.pgconn.ServerRole;
import io.pgconn.config.HostSpec;
import io.pgconn.internal.protocol.frontend.Terminate;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The {@link PgConnection} of one established channel. Package-private with package-private
 * mutators: the connect path and the factory reach them only through {@link ConnectionControl},
 * which users never get, so a cast of a connection finds only {@link PgConnection}'s methods
 * (issue 16; {@code DefaultPgConnectionTest} checks it).
 */
final class DefaultPgConnection implements PgConnection {

    /** How long close() waits for the cancel request of a running statement to reach the server. */
    private static final Duration CANCEL_ON_CLOSE_WAIT = Duration.ofSeconds(2);
    /** How long a close waits for its Terminate to be written before it closes the socket anyway. */
    static final Duration FORCED_CLOSE_AFTER = Duration.ofSeconds(2);

    private final Channel channel;
    private final SessionFacts facts;
    private final SessionHandler session;
    private final Map<String, String> parameters;
    /** Sends a CancelRequest; completing the future it returns from outside ends that request and closes its socket. */
    private final Function<SessionFacts, CompletableFuture<Void>> canceller;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    /** A CancelRequest sent because close() found a statement running; close() completes after it. */
    private volatile CompletableFuture<Void> cancelOnClose = CompletableFuture.completedFuture(null);
    private final List<Runnable> closeHooks = new ArrayList<>();
    private boolean channelClosed;
    private volatile ServerRole role = ServerRole.UNKNOWN;
    private volatile Map<String, Integer> typeOids = Map.of();
    /** {@link #closeFuture()}: completes after the close hooks ran, exceptionally when the session was lost. */
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    DefaultPgConnection(Channel channel, SessionFacts facts, SessionHandler session, Map<String, String> parameters,
                               Function<SessionFacts, CompletableFuture<Void>> canceller) {
        this.channel = channel;
        this.facts = facts;
        this.session = session;
        this.parameters = Collections.unmodifiableMap(parameters);
        this.canceller = canceller;
        session.cancelAction(this::cancelQuietly);
        session.closeAction(this::close);
        channel.closeFuture().addListener(f -> {
            List<Runnable> hooks;
            synchronized (closeHooks) {
                channelClosed = true;
                hooks = List.copyOf(closeHooks);
                closeHooks.clear();
            }
            hooks.forEach(Runnable::run);
            PgException cause = session.closeCause();
            if (cause == null && !closing.get()) {
                cause = new PgClosedException(host(), "connection to " + host() + " was lost");
            }
            if (cause == null) {
                ended.complete(null);
            } else {
                ended.completeExceptionally(cause);
            }
            cancelOnClose.whenComplete((ok, error) -> closed.complete(null));
        });
    }

    /**
     * Runs {@code hook} when the channel has closed, before {@link #close()}'s future completes (so
     * an owner's bookkeeping is done when a caller sees the close); at once if it already closed.
     */
    void onClosed(Runnable hook) {
        synchronized (closeHooks) {
            if (!channelClosed) {
                closeHooks.add(hook);
                return;
            }
        }
        hook.run();
    }

    /** Set once by the connect path before the connection is handed out. */
    void role(ServerRole role) {
        this.role = role;
    }

    /** Set once by the connect path before the connection is handed out. */
    void typeOids(Map<String, Integer> typeOids) {
        this.typeOids = Map.copyOf(typeOids);
        if (session.codecs() instanceof RegistryValueCodecs registry) {
            session.codecs(new RegistryValueCodecs(registry.registry().bind(this.typeOids)));
        }
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
        Integer oid = typeOids.get(typeName);
        return oid == null ? OptionalInt.empty() : OptionalInt.of(oid);
    }

    @Override
    public CompletableFuture<Map<String, Integer>> lookupTypeOids(String... typeNames) {
        try {
            return simpleQuery(TypeOidQuery.sql(typeNames)).thenApply(result -> TypeOidQuery.parse(result, typeNames));
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
    public TransactionStatus transactionStatus() {
        return TransactionStatus.of(session.transactionStatus());
    }

    @Override
    public CompletableFuture<Void> begin(TransactionOptions options) {
        return command(options.beginSql());
    }

    @Override
    public CompletableFuture<Void> commit() {
        SimpleQuery commit = new SimpleQuery("COMMIT", host());
        session.submit(commit);
        // the session ended with the COMMIT written: the server may have committed and lost only the answer
        // (REVIEW-8 F3: reported as "closed", a retry applied the work twice); written() is set on the event
        // loop before the failure completes the future
        return commit.result.exceptionallyCompose(error -> CompletableFuture.failedFuture(
                commit.written() && error instanceof PgClosedException ended ? new PgCommitOutcomeUnknownException(ended) : error))
                // a failed transaction's COMMIT is answered with the tag ROLLBACK, not an error: fail it, or its loss is silent
                .thenApply(result -> {
                    PgTransactionRolledBackException.requireCommitted(result.commandTag(), host());
                    return null;
                });
    }

    @Override
    public CompletableFuture<Void> rollback() {
        return command("ROLLBACK");
    }

    @Override
    public CompletableFuture<Void> setSavepoint(String name) {
        return savepointCommand("SAVEPOINT ", name);
    }

    @Override
    public CompletableFuture<Void> releaseSavepoint(String name) {
        return savepointCommand("RELEASE SAVEPOINT ", name);
    }

    @Override
    public CompletableFuture<Void> rollbackToSavepoint(String name) {
        return savepointCommand("ROLLBACK TO SAVEPOINT ", name);
    }

    private CompletableFuture<Void> savepointCommand(String prefix, String name) {
        try {
            return command(prefix + Identifiers.quote(name, "savepoint name"));
        } catch (PgConfigException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<Void> command(String sql) {
        return session.simpleQuery(sql).thenApply(result -> null);
    }

    @Override
    public void noticeListener(NoticeListener listener) {
        session.noticeListener(listener);
    }

    @Override
    public CompletableFuture<Void> listen(String channelName, NotificationListener listener) {
        String quoted;
        try {
            quoted = Identifiers.quote(channelName, "LISTEN channel");
        } catch (PgConfigException e) {
            return CompletableFuture.failedFuture(e);
        }
        session.addListener(channelName, listener);
        return simpleQuery("LISTEN " + quoted).whenComplete((r, e) -> {
            if (e != null) {
                session.removeListener(channelName);
            }
        }).thenApply(r -> null);
    }

    @Override
    public CompletableFuture<Void> unlisten(String channelName) {
        String quoted;
        try {
            quoted = Identifiers.quote(channelName, "UNLISTEN channel");
        } catch (PgConfigException e) {
            return CompletableFuture.failedFuture(e);
        }
        return simpleQuery("UNLISTEN " + quoted).thenApply(r -> {
            session.removeListener(channelName);
            return null;
        });
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
        if (closing.compareAndSet(false, true)) {
            try {
                closeOnLoop(reason);
            } catch (RejectedExecutionException e) {
                // the event loop has stopped (its factory was closed after the server ended this session):
                // Netty closed the channel with it, so there is nothing left to close
                closed.complete(null);
                ended.complete(null);
            }
        }
        return closed;
    }

    private void closeOnLoop(String reason) {
        channel.eventLoop().execute(() -> {
            if (channel.isActive() && session.busy()) {
                // the backend would run the statement to its end before it reads Terminate
                cancelOnClose = cancelQuietly();
            }
            session.closingByUser(reason);
            session.stopListening(null);
            if (channel.isActive()) {
                session.flushPending(); // requests written in this loop turn go before the Terminate
                channel.writeAndFlush(Terminate.INSTANCE).addListener(f -> channel.close());
                // a server that reads nothing (frozen, its receive window full of our writes) never
                // takes the Terminate: the socket is closed anyway, so the close and the work queued
                // behind it end instead of waiting on the server
                ScheduledFuture<?> forced = channel.eventLoop().schedule(() -> {
                    channel.close();
                }, FORCED_CLOSE_AFTER.toMillis(), TimeUnit.MILLISECONDS);
                channel.closeFuture().addListener(f -> forced.cancel(false));
            } else {
                channel.close();
            }
        });
    }

    private CompletableFuture<Void> cancelQuietly() {
        try {
            CompletableFuture<Void> request = canceller.apply(facts);
            // completing the request itself (not a copy) ends it: the canceller closes its socket then
            request.completeOnTimeout(null, CANCEL_ON_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return request.exceptionally(error -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null); // e.g. the event loops are shutting down
        }
    }

    /** Why the server ended the session (e.g. 57P01), or null after a close asked by the user. */
    PgException closeCause() {
        return session.closeCause();
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
        return ended;
    }

    @Override
    public boolean isClosed() {
        return closing.get() || !channel.isActive();
    }

    @Override
    public String toString() {
        return "PgConnection[" + host() + ", pid=" + facts.processId() + ", role=" + role.label()
                + (facts.tls() != null ? ", " + facts.tls().protocol() : ", plaintext") + (isClosed() ? ", closed" : "") + "]";
    }
}
