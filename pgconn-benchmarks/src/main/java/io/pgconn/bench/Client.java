package io.pgconn.bench;

import java.util.concurrent.CompletableFuture;

/**
 * One client library under test. Blocking clients (pgjdbc) return completed futures and are driven
 * from threads; asynchronous ones complete on their own event loops.
 */
interface Client extends AutoCloseable, QueryWork {

    /** Short name used in the tables (e.g. {@code pgconn}, {@code pgjdbc}). */
    String name();

    /** Whether the library can connect to this target at all (e.g. multi-host failover). */
    boolean supports(Target target);

    /**
     * Whether this client runs {@code scenario}: by default every scenario on a target it supports,
     * except the Spring Data ones (only the {@code *-data} clients run those) and a COPY one it has no API for
     * ({@link #copies}).
     */
    default boolean supports(Scenario scenario) {
        return !scenario.springData() && (!scenario.copy() || copies(scenario)) && supports(scenario == Scenario.FAILOVER_DIRECT ? Target.FAILOVER : scenario.target());
    }

    /** Whether calls block the caller (then the in-flight scenario uses one thread per connection). */
    boolean blocking();

    /**
     * A source of connections for {@code target}. {@code fresh} asks for one without any memory of
     * earlier connects (failover: which host was up, in which role); it is closed after use.
     */
    Source source(Target target, boolean fresh);

    /**
     * Where a query scenario opens its connection: {@code trust} (the {@link Target#TRUST} source), unless
     * the client has its own best settings for that scenario.
     */
    default Source querySource(Scenario scenario, Source trust) {
        return trust;
    }

    /**
     * The primary-key selects pipelined: each answer's completion issues the next select, so {@code inFlight} stay
     * on the wire (an asynchronous client's completions run on its event loop, which writes the next one with the
     * answers it reads); a blocking client runs them one after another, its loop.
     */
    @Override
    default CompletableFuture<Void> selectPkPipelined(Object connection, int count, int inFlight) {
        if (blocking()) {
            for (int i = 0; i < count; i++) {
                selectByPk(connection, 1 + i % PK_ROWS).join();
            }
            return CompletableFuture.completedFuture(null);
        }
        return KeepInFlight.run(count, inFlight, i -> selectByPk(connection, 1 + i % PK_ROWS));
    }

    /** Runs {@code SELECT 1} and reads its row. */
    CompletableFuture<Void> selectOne(Object connection);

    /**
     * The server process of a connection (from BackendKeyData where the library exposes it, else a
     * query); used outside the timed part to wait until the backend has exited.
     */
    CompletableFuture<Integer> backendPid(Object connection);

    /** Closes a connection; completes when the library says the close is done. */
    CompletableFuture<Void> close(Object connection);

    /** How the library is configured for the benchmark (for the results file). */
    String settings();

    @Override
    void close();

    /** Opens connections to one target. */
    interface Source extends AutoCloseable {
        CompletableFuture<Object> connect();

        @Override
        default void close() {
        }
    }
}
