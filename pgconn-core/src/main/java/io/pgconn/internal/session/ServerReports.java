package io.pgconn.internal.session;

import io.pgconn.internal.query.DeferredBegin;
import io.pgconn.internal.query.Exchange;
import io.pgconn.internal.query.StatementCache;

import java.util.Map;

/**
 * What the server reports besides an exchange's own answers, and what that changes in the session: a ParameterStatus
 * (the parameter map the statement cache and SQL scanning read, search_path for the type OIDs, the server's role for
 * the host memory), a CommandComplete's tag (DISCARD ALL, type DDL), a ReadyForQuery's transaction status (the
 * exchange answered). {@link SessionHandler}'s dispatch tells it, in the session's code; the status and the type OIDs
 * are read from any thread.
 */
final class ServerReports {

    private final String host;
    private final Map<String, String> parameters;
    private final StatementCache statementCache;
    private final ExchangeFifo fifo;
    /** The factory's type OID knowledge as this session sees it; watching nothing until the connect path set it (and on replication sessions). */
    private volatile SessionTypeOids typeOids = SessionTypeOids.unwatched();
    /** Null until the factory asks for them ({@link #roleChanges}). */
    private volatile ServerRoleChanges roleChanges;
    private volatile char transactionStatus = 'I';
    /** {@link #readWriteTarget}; written by the connect path before the session is handed out. */
    private volatile boolean readWriteTarget;
    /**
     * On a {@link #readWriteTarget} session: the server turned read-only, as reported so far. Set by a report of {@code
     * default_transaction_read_only=on} that is the server's own change (a reload; not the session's own setting: {@link
     * ServerRoleChanges}); lifted by any report of {@code off}, the session's own included: a session whose own default is
     * {@code off} runs a plain BEGIN's writes on that server anyway, so refusing its {@code BEGIN READ WRITE} would protect
     * nothing, and the parameter map a pool's validation reads says {@code off} too (REVIEW-33b R33b-2: an {@code off} in
     * the answer of a text that may set the setting, {@code set_config($1, ...)}, left it set for the session's life, and
     * every later {@code BEGIN READ WRITE} was refused). Event loop.
     */
    private boolean serverReadOnly;
    /**
     * Before PostgreSQL 18: a SET or RESET that may change search_path ran since the last ReadyForQuery outside a
     * transaction; the path is told changed again there (a {@code SET LOCAL}'s path ends with the transaction, unreported).
     */
    private boolean searchPathSetSinceIdle;

    ServerReports(String host, Map<String, String> parameters, StatementCache statementCache, ExchangeFifo fifo) {
        this.host = host;
        this.parameters = parameters;
        this.statementCache = statementCache;
        this.fifo = fifo;
    }

    /**
     * A ParameterStatus, in {@code current}'s answer (null: with nothing answering, as {@link ServerRoleChanges} takes
     * it too): the server's setting changed (the statement cache and SQL scanning read the map). A client_encoding other
     * than UTF-8 ends the session ({@link ClientEncodingCheck}).
     */
    void parameterChanged(String name, String value, Exchange current) {
        ClientEncodingCheck.requireUtf8(host, name, value);
        parameters.put(name, value);
        if ("search_path".equals(name)) {
            typeOids.searchPathChanged(value);
            // with nothing answering, nothing was written behind a change: every entry was made under the path before
            statementCache.searchPathReported(current == null ? statementCache.mark() : current.statementCacheMark(), value);
        }
        ServerRoleChanges roles = roleChanges;
        boolean serversOwn = roles != null && roles.parameterChanged(name, parameters, current);
        if ("default_transaction_read_only".equals(name)) {
            serverReadOnly = readWriteTarget && "on".equals(value) && (serversOwn || serverReadOnly);
        }
    }

    /**
     * Set once by the connect path: the session was opened for {@code target_session_attrs=read-write}, so a transaction
     * whose {@code BEGIN READ WRITE} the server answered after reporting it turned read-only is not committed
     * ({@link DeferredBegin#serverTurnedReadOnly}).
     */
    void readWriteTarget(boolean readWriteTarget) {
        this.readWriteTarget = readWriteTarget;
    }

    /** Whether the session was opened for {@code target_session_attrs=read-write} ({@link #readWriteTarget(boolean)}). */
    boolean readWriteTarget() {
        return readWriteTarget;
    }

    /**
     * Event loop: on a {@code read-write} session, the server turned read-only by its own change, as reported so far: a
     * transaction whose {@code BEGIN READ WRITE} is answered now may not go on ({@link DeferredBegin#serverTurnedReadOnly},
     * {@code ExchangeFifo}).
     */
    boolean serverReadOnly() {
        return serverReadOnly;
    }

    /** What the server last reported of {@code name} (at the start, or since), or null: PostgreSQL 18+ reports search_path. */
    String reported(String name) {
        return parameters.get(name);
    }

    /**
     * The handshake's values are in the parameter map: the statement cache files its entries under the search_path
     * reported there (PostgreSQL 18+), and under each one reported later ({@link #parameterChanged}). Called once by the
     * connect path before the connection is handed out.
     */
    void startupReported() {
        statementCache.startupSearchPath(parameters.get("search_path"));
    }

    /**
     * {@code current}'s statement completed with {@code tag}. On a server that does not report search_path (before
     * PostgreSQL 18) the tags are the only sign that the path may have changed: this is the one place that reads them
     * for it ({@link #searchPathSetUnreported}).
     */
    void commandCompleted(Exchange current, String tag) {
        if ("DISCARD ALL".equals(tag) || "DEALLOCATE ALL".equals(tag)) {
            statementCache.serverDiscardedAll(current.statementCacheMark());
        } else if ("DEALLOCATE".equals(tag)) {
            statementCache.serverDeallocated(current.statementCacheMark()); // a 26000 after it is stale, not a pooler
        }
        if (("SET".equals(tag) || "RESET".equals(tag) || "DISCARD ALL".equals(tag)) && !parameters.containsKey("search_path")
                && TypeChangingCommands.maySetSearchPath(current.text())) {
            searchPathSetUnreported(tag);
        }
        typeOids.commandCompleted(tag, current);
    }

    /**
     * Before PostgreSQL 18: a SET, RESET or DISCARD ALL whose text may change search_path completed, and the server will
     * not say to what. The same text may mean another tenant's table now, so the prepared statements go at once, as
     * pgjdbc drops them (NEW-USER-26 S10; a DISCARD ALL's went with it, {@link StatementCache#serverDiscardedAll}), and a
     * type name may resolve to another schema's type, so the type OIDs of this session are stale once no transaction is
     * open. At the next ReadyForQuery outside a transaction both hear it again ({@link #readyForQuery}): a path set for
     * the transaction ended there, and what was prepared under it goes too. A DISCARD ALL runs outside any transaction
     * block: its own ReadyForQuery is that one, and nothing was prepared under its path before it.
     */
    private void searchPathSetUnreported(String tag) {
        if ("DISCARD ALL".equals(tag)) {
            typeOids.searchPathSetUnreported();
            return;
        }
        statementCache.dropAll();
        searchPathSetSinceIdle = true;
    }

    /** {@code current}'s ReadyForQuery: it is answered, and the transaction status is {@code status}. */
    void readyForQuery(Exchange current, char status) {
        transactionStatus = status;
        if (status == 'I' && searchPathSetSinceIdle) {
            // a SET LOCAL's path ended with its transaction, unreported: what was prepared under it goes too
            searchPathSetSinceIdle = false;
            statementCache.dropAll();
            typeOids.searchPathSetUnreported();
        }
        typeOids.readyForQuery(status); // before the exchange completes: its caller finds the epoch moved
        fifo.answered(current, status);
    }

    /** The transaction status of the last ReadyForQuery. */
    char transactionStatus() {
        return transactionStatus;
    }

    /** The session's side of the type OID epoch ({@link SessionTypeOids}). */
    SessionTypeOids typeOids() {
        return typeOids;
    }

    /** Set once by the connect path when the type OIDs are known: from then on type DDL is watched and refreshed. */
    void typeOids(SessionTypeOids typeOids) {
        this.typeOids = typeOids;
    }

    /** Set once by the factory when it hands the session out: from then on the server's role changes reach its host memory. */
    void roleChanges(ServerRoleChanges roleChanges) {
        this.roleChanges = roleChanges;
    }
}
