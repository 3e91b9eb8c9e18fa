package io.pgconn.internal.query;

import io.pgconn.PgException;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a server error proves that this connection's statements do not stay on one server session — a pooler in
 * transaction mode (PgBouncer {@code pool_mode=transaction}) hands each transaction to whichever server session is
 * free — and the one WARN per host that says so. The proof, for a named statement of the connection's cache:
 * <ul>
 *   <li>26000 (it does not exist) for a statement this connection prepared in an earlier exchange and has not
 *       closed, when no DISCARD ALL or DEALLOCATE of the session can explain it: the answering server session is not
 *       the one it was prepared on (or a DEALLOCATE ran that pgconn did not see, inside a function);</li>
 *   <li>42P05 (it already exists) for the Parse of a name this connection has never used before: another client
 *       made a statement by that name in this server session.</li>
 * </ul>
 * Then the connection's cache turns off ({@link StatementCache#serverSessionShared}): every statement is parsed
 * unnamed in the exchange that runs it, which any server session can answer. Statement names unique to each
 * connection ({@link StatementNamePrefix}) keep a shared session from running another connection's statement
 * before this is seen.
 */
final class SharedServerSession {

    private static final System.Logger LOG = System.getLogger(SharedServerSession.class.getName());

    /** Hosts already warned about: once per host and process, not once per connection of a pool. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private SharedServerSession() {
    }

    /** Whether {@code error}, the answer to an exchange that used {@code entry}, proves a shared server session. */
    static boolean proven(PgException error, StatementCache.Entry entry, boolean creator, StatementCache cache) {
        String code = error.serverFields().code();
        if ("26000".equals(code)) {
            return !creator && !cache.mayHaveBeenDeallocated(entry);
        }
        return "42P05".equals(code) && creator && !entry.parsed;
    }

    /** What the failing statement's error adds: the cause, what pgconn does now, and the setting. */
    static String explanation(StatementCache.Entry entry, String code) {
        String seen = "26000".equals(code)
                ? "this connection prepared statement " + entry.name + " and did not close it, so the server session"
                        + " answering is not the one it was prepared on"
                : "the server session already has a statement named " + entry.name + ", a name this connection had"
                        + " never used";
        return "; " + seen + ": a pooler in transaction mode (PgBouncer pool_mode=transaction) shares server sessions"
                + " between connections (or a DEALLOCATE ran that pgconn did not see). This connection parses its"
                + " statements unnamed from now on; set preparedStatementCacheSize=0 behind such a pooler"
                + " (docs/query.md §3, connection poolers)";
    }

    /** The one WARN per host: statements parsed unnamed on a connection to {@code host} from now on. */
    static void warnOnce(String host, String code) {
        if (!WARNED.add(host)) {
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "server " + host + " answered a prepared statement with " + code
                + " that only a server session shared between connections explains — a pooler in transaction mode"
                + " (PgBouncer pool_mode=transaction): the connection turned its prepared statement cache off and parses"
                + " statements unnamed (a Parse and Describe, one more round trip, with each); set preparedStatementCacheSize=0 for this host"
                + " (pg.conn.prepared-statement-cache-size with the Spring Boot starter). Logged once per host");
    }
}
