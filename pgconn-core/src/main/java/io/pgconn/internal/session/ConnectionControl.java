package io.pgconn.internal.session;

import io.netty.channel.Channel;
import io.pgconn.AuthMethod;
import io.pgconn.PgConnection;
import io.pgconn.PgException;
import io.pgconn.QueryResult;
import io.pgconn.ServerRole;
import io.pgconn.config.HostSpec;
import io.pgconn.config.TargetSessionAttrs;

import java.net.SocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One established session as the connect path and the factory hold it: the handle on the state
 * they set or act on (role, type OIDs, close with a reason, close hooks, the channel). Users get
 * {@link #connection()} only, whose class is package-private, so no cast leads from a
 * {@link PgConnection} back here (issue 16: the boundary holds on the classpath too).
 */
public final class ConnectionControl {

    private final DefaultPgConnection connection;

    public ConnectionControl(Channel channel, SessionFacts facts, PipelinedSession session, Map<String, String> parameters,
                             Function<SessionFacts, CompletableFuture<Void>> canceller) {
        this.connection = new DefaultPgConnection(channel, facts, session, parameters, canceller);
    }

    /** What users hold. */
    public PgConnection connection() {
        return connection;
    }

    /**
     * Runs {@code hook} when the session ended (the channel closed, or a close on the caller's thread shut the socket
     * down: then on that thread), before {@link #close()}'s future completes (so an owner's bookkeeping is done when a
     * caller sees the close); at once if it ended already. Hooks must be thread-safe.
     */
    public void onClosed(Runnable hook) {
        connection.onClosed(hook);
    }

    /** Set once by the connect path before the connection is handed out. */
    public void role(ServerRole role) {
        connection.role(role);
    }

    /**
     * Set once by the connect path before the connection is handed out: the connect's {@code target_session_attrs}.
     * Under {@code read-write}, a transaction whose {@code BEGIN READ WRITE} the server answered while it turned
     * read-only is not committed (docs/r2dbc.md §4, {@code DeferredBegin.serverTurnedReadOnly}).
     */
    public void target(TargetSessionAttrs target) {
        connection.target(target);
    }

    /** Set by the connect path before the connection is handed out. */
    public void typeOids(Map<String, Integer> typeOids) {
        connection.typeOids(typeOids);
    }

    /**
     * Set once by the connect path, after {@link #typeOids}: from then on the session reports type DDL to
     * {@code epoch} and looks {@code names} up again before its next statement when the epoch has moved
     * past {@code knownEpoch} (the epoch read before its answer was asked for).
     */
    public void watchTypeOids(java.util.List<String> names, TypeOidEpoch epoch, long knownEpoch) {
        connection.watchTypeOids(names, epoch, knownEpoch);
    }

    /**
     * Set once by the factory when it hands the connection out: from then on a ParameterStatus by which the server
     * changed role ({@code in_hot_standby}, {@code default_transaction_read_only} not set by the session's own SQL)
     * hands {@code hostMemory} the session's parameters, on the event loop ({@link ServerRoleChanges}).
     */
    public void reportRoleChanges(java.util.function.Consumer<Map<String, String>> hostMemory) {
        connection.reportRoleChanges(hostMemory);
    }

    /**
     * Set once by the connect path when it hands the connection out and its factory has a tracer: from
     * then on the connection's statements are told to it (docs/query.md §8), the connect's own queries not.
     */
    public void traceStatements(io.pgconn.trace.PgTracer tracer, String database) {
        connection.traceStatements(tracer, database);
    }

    public Channel channel() {
        return connection.channel();
    }

    public SessionFacts facts() {
        return connection.facts();
    }

    /**
     * Closes with a specific reason for work in flight (e.g. "closed: the connection factory was
     * closed"): sends Terminate, and a CancelRequest first when a statement is running.
     */
    public CompletableFuture<Void> close(String reason) {
        return connection.close(reason);
    }

    /**
     * Closes because the server stopped answering ({@code PgConnectionFactory.closeConnections}): as {@link #close(String)},
     * but with a statement running the socket is closed at once, its CancelRequest only started (docs/lifecycle.md §4).
     */
    public CompletableFuture<Void> closeUnanswered(String reason) {
        return connection.closeUnanswered(reason);
    }

    public CompletableFuture<Void> close() {
        return connection.close();
    }

    /** Why the server ended the session (e.g. 57P01), or null after a close asked by the user. */
    public PgException closeCause() {
        return connection.closeCause();
    }

    // what the connect path reads, forwarded so that it need not reach through connection()

    public HostSpec hostSpec() {
        return connection.hostSpec();
    }

    public SocketAddress remoteAddress() {
        return connection.facts().remoteAddress();
    }

    public String host() {
        return connection.host();
    }

    public int processId() {
        return connection.processId();
    }

    public ServerRole role() {
        return connection.role();
    }

    public AuthMethod authMethod() {
        return connection.authMethod();
    }

    public Optional<String> tlsProtocol() {
        return connection.tlsProtocol();
    }

    public Map<String, String> parameters() {
        return connection.parameters();
    }

    public CompletableFuture<QueryResult> simpleQuery(String sql) {
        return connection.simpleQuery(sql);
    }

    /**
     * The connect path's type lookup (docs/lifecycle.md §1.5): each name's OID and, under
     * {@code name[]}, its array type's, so arrays of a named type get a codec when the registry is bound;
     * and the database's enum array types ({@link TypeOidQuery#sessionSql}), read as {@code String[]}.
     */
    public CompletableFuture<Map<String, Integer>> lookupTypeOids(String... typeNames) {
        return connection.lookupSessionTypeOids(TypeOidQuery.withArrayTypes(typeNames));
    }

    @Override
    public String toString() {
        return connection.toString();
    }
}
