package io.pgconn.internal.session;

import io.pgconn.PgException;
import io.pgconn.QueryResult;
import io.pgconn.internal.protocol.backend.BackendMessage;
import io.pgconn.internal.protocol.frontend.FrontendMessage;
import io.pgconn.internal.query.Exchange;
import io.pgconn.internal.query.QuerySession;

import java.util.Map;

/**
 * The type lookup {@link SessionTypeOids} queues once the factory's type knowledge moved: the connect
 * path's query ({@link TypeOidQuery}) as a simple query. It waits unwritten until everything before it
 * is answered, holding back what is submitted behind it; then, when no transaction is open, it is written
 * and holds the writes until it is answered, so that what is queued behind it is written — its result
 * formats, row decoders and deferred parameters chosen — with the codecs bound to the new answer; when a
 * transaction is open, it leaves unwritten and what it held back is written. Event loop only.
 */
final class TypeOidRefresh extends Exchange {

    private static final System.Logger LOG = System.getLogger(TypeOidRefresh.class.getName());

    private final SessionTypeOids owner;
    private final long askedAt;
    private final String[] names;
    private final SimpleQuery query;
    private QuerySession session;
    private boolean done;
    /** Whether a transaction was open at its turn ({@link #leavesUnwritten}): it then waits for its end. */
    private boolean transactionOpen;

    TypeOidRefresh(SessionTypeOids owner, long askedAt, String[] names, String host) {
        this.owner = owner;
        this.askedAt = askedAt;
        this.names = names;
        this.query = new SimpleQuery(TypeOidQuery.sessionSql(names), host);
    }

    @Override
    public FrontendMessage messages(QuerySession session) {
        this.session = session;
        return query.messages(session);
    }

    @Override
    public boolean holdsWrites() {
        return !done;
    }

    /** Written only as the head, when the transaction status after everything before it is known. */
    @Override
    public boolean waitsToBeHead() {
        return true;
    }

    /**
     * Not inside a transaction (a repeatable-read snapshot, SET TRANSACTION's "before any query"); nor when the answer
     * the session holds is current again by its turn: a search path set for the transaction just ended is back
     * (NEW-USER-26: a multi-tenant application's {@code set_config('search_path', ..., true)} per transaction made one
     * lookup after each); nor when the session was answered under the path in force before, at the same epoch: that
     * answer is bound again (NEW-USER-26 F2: a tenant's path set per request made one lookup per request).
     */
    @Override
    public boolean leavesUnwritten(char transactionStatus) {
        transactionOpen = transactionStatus != 'I';
        return transactionOpen || !owner.stale() || owner.answeredBeforeUnderThisPath();
    }

    @Override
    public boolean waitsForTransactionEnd() {
        return true;
    }

    @Override
    public void leftUnwritten() {
        done = true;
        if (transactionOpen) {
            owner.transactionOpenAtItsTurn();
        } else {
            owner.currentAgainAtItsTurn();
        }
    }

    @Override
    public void onMessage(BackendMessage message) {
        query.onMessage(message);
    }

    @Override
    public void onReady(char status) {
        done = true;
        query.onReady(status);
        try {
            QueryResult result = query.result.getNow(null);
            owner.refreshed(askedAt, TypeOidQuery.parseSession(result, names));
        } catch (RuntimeException e) { // a server error (CompletionException), or an answer of another shape
            owner.refreshFailed();
            LOG.log(System.Logger.Level.DEBUG, () -> "type OID lookup on " + session.host() + " failed; the codecs stay as they were: " + e);
        } finally {
            session.releaseWrites(this);
        }
    }

    @Override
    public void fail(PgException error) {
        done = true;
        owner.refreshFailed();
        if (session != null) {
            session.releaseWrites(this);
        }
    }
}
