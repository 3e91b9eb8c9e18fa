package io.pgconn.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.List;

/**
 * The {@code pg.conn.*} settings of how a logged-in connection runs statements: its pipelining limit and statement
 * cache, how long a cancelled statement may stay silent, what a server error's message shows, the extension types
 * looked up, and how a blocked caller waits.
 *
 * <p>One of the groups of {@link PgConnProperties}, the class bound to {@code pg.conn}: a base class of it, not a
 * nested property, so each key keeps its flat name ({@code pg.conn.pipelining-limit}) and the generated configuration
 * metadata is what it was before the split (docs/starter.md §1). Package-private: the keys and their accessors are
 * {@code PgConnProperties}' API (javac gives it public bridges of them); not bound by itself.
 */
abstract class PgConnSessionProperties extends PgConnProtocolProperties {

    /**
     * At most this many requests (each one Sync group: a statement, a batch) written and not yet answered per
     * connection; later ones wait client-side and are written as earlier ones are answered. 0 = no limit (pipelining).
     * Set 1 behind a pooler in transaction mode (PgBouncer before 1.21), which drops the answers to what was
     * pipelined behind a ReadyForQuery outside a transaction block. Core's 'pipeliningLimit'.
     */
    private @Nullable Integer pipeliningLimit;

    /**
     * How long a server asked to stop a statement (after its timeout, or a cancelled stream) may stay
     * silent before the connection is closed as one that stopped answering. Raise it for a loaded
     * server that answers cancel requests slowly. More than 0, at most 1h.
     */
    private @Nullable Duration cancelGrace;

    /**
     * Whether a server error's DETAIL line (and the HINT of an error raised inside a function, e.g. by PL/pgSQL's
     * RAISE) goes into the exception's message. Off by default: a DETAIL may show data, e.g. the key of a unique
     * violation, and so a statement's parameter value. Core's 'serverErrorDetail'.
     */
    private @Nullable Boolean serverErrorDetail;

    /**
     * How many named server-side prepared statements each connection keeps (least recently used closed first); 0 =
     * unnamed statements only: set 0 behind a pooler in transaction mode (PgBouncer pool_mode=transaction), whose
     * shared server sessions do not keep a connection's statements. Core's 'preparedStatementCacheSize'.
     */
    private @Nullable Integer preparedStatementCacheSize;

    /**
     * Extension types whose OIDs are looked up after connecting, e.g. 'hstore'. An empty list
     * skips the lookup. The answer is reused for 'host-recheck-interval'.
     */
    private @Nullable List<String> extensionTypes;

    /**
     * Whether a connect fails when the lookup of 'extension-types' fails (a missing type never does: it is
     * logged). Off by default: the connection is used without those types' codecs. Core's 'extensionTypesRequired'.
     */
    private @Nullable Boolean extensionTypesRequired;

    /**
     * How long a thread blocked on a statement's future (join(), get()) spins before it parks; 0 parks at once. At
     * most 10ms; never on an event loop. For one blocked caller per core. Core's 'blockingWaitSpin'.
     */
    private @Nullable Duration blockingWaitSpin;

    public @Nullable Integer getPipeliningLimit() {
        return this.pipeliningLimit;
    }

    public void setPipeliningLimit(@Nullable Integer pipeliningLimit) {
        this.pipeliningLimit = pipeliningLimit;
    }

    public @Nullable Duration getCancelGrace() {
        return this.cancelGrace;
    }

    public void setCancelGrace(@Nullable Duration cancelGrace) {
        this.cancelGrace = cancelGrace;
    }

    public @Nullable Boolean getServerErrorDetail() {
        return this.serverErrorDetail;
    }

    public void setServerErrorDetail(@Nullable Boolean serverErrorDetail) {
        this.serverErrorDetail = serverErrorDetail;
    }

    public @Nullable Integer getPreparedStatementCacheSize() {
        return this.preparedStatementCacheSize;
    }

    public void setPreparedStatementCacheSize(@Nullable Integer preparedStatementCacheSize) {
        this.preparedStatementCacheSize = preparedStatementCacheSize;
    }

    public @Nullable List<String> getExtensionTypes() {
        return this.extensionTypes;
    }

    public void setExtensionTypes(@Nullable List<String> extensionTypes) {
        this.extensionTypes = extensionTypes;
    }

    public @Nullable Boolean getExtensionTypesRequired() {
        return this.extensionTypesRequired;
    }

    public void setExtensionTypesRequired(@Nullable Boolean extensionTypesRequired) {
        this.extensionTypesRequired = extensionTypesRequired;
    }

    public @Nullable Duration getBlockingWaitSpin() {
        return this.blockingWaitSpin;
    }

    public void setBlockingWaitSpin(@Nullable Duration blockingWaitSpin) {
        this.blockingWaitSpin = blockingWaitSpin;
    }
}
