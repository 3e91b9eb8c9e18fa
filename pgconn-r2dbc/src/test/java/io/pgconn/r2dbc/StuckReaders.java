package io.pgconn.r2dbc;

import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Result;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.pgconn.testing.Conditions.awaitCondition;

/**
 * Readers subscribed to a statement's rows that neither ask for any nor cancel (a leaked subscription, a consumer
 * that stopped), and what the tests of them look at on the server: the tests of a rollback
 * ({@code RollbackWhileReadingIT}) and of a release to the pool ({@code ReleasedWithWorkUnderWayIT}) behind them.
 */
final class StuckReaders {

    /** How long each step may take. */
    static final Duration STEP = Duration.ofSeconds(20);

    /** Far more than the socket buffers hold: the server blocks sending it while nobody reads. */
    static final String LARGE = "SELECT g, repeat('x', 100) FROM generate_series(1, 1000000) g";

    private final PgClusterExtension pg;

    /** Looks at {@code pg}'s primary. */
    StuckReaders(PgClusterExtension pg) {
        this.pg = pg;
    }

    /** A reader subscribed to the rows of {@code sql}, run on {@code connection}. */
    static StuckReader of(Connection connection, String sql) {
        return reading(Mono.from(connection.createStatement(sql).execute()).block(STEP));
    }

    /** A reader subscribed to the rows of {@code result}. */
    static StuckReader reading(Result result) {
        StuckReader reader = new StuckReader();
        result.map((row, metadata) -> row.get(0)).subscribe(reader);
        return reader;
    }

    /**
     * Subscribed to one statement's rows (or a copy's chunks), asking for a few or none at first and then never for
     * more, and never cancelling.
     */
    static final class StuckReader extends BaseSubscriber<Object> {
        private final CompletableFuture<Throwable> end = new CompletableFuture<>();
        private final CompletableFuture<Object> first = new CompletableFuture<>();
        private final long demand;

        /** Asks for nothing. */
        StuckReader() {
            this(0);
        }

        /** Asks for {@code demand} at first, then for nothing more. */
        StuckReader(long demand) {
            this.demand = demand;
        }

        /** The first item it got, waited for up to a step. */
        Object first() throws Exception {
            return first.get(STEP.toSeconds(), TimeUnit.SECONDS);
        }

        /** The error the reader was told (null: it completed), waited for up to a step. */
        Throwable failure() throws Exception {
            return end.get(STEP.toSeconds(), TimeUnit.SECONDS);
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            if (demand > 0) {
                subscription.request(demand);
            }
        }

        @Override
        protected void hookOnNext(Object value) {
            first.complete(value);
        }

        @Override
        protected void hookOnError(Throwable error) {
            end.complete(error);
        }

        @Override
        protected void hookOnComplete() {
            end.complete(null);
        }
    }

    static int pidOf(Connection connection) {
        return PgConnUnwrap.pgConnection(connection).processId();
    }

    static Object selectOne(Connection connection) {
        return Flux.from(connection.createStatement("SELECT 1").execute())
                .flatMap(result -> result.map((row, metadata) -> row.get(0, Integer.class))).blockLast(STEP);
    }

    /** The advisory locks the backend {@code pid} holds, as counted by pg_locks. */
    String advisoryLocksOf(int pid) {
        return pg.primary().queryValue("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = " + pid);
    }

    /** The session's state and last statement, as {@code state:query}. */
    String activityOf(int pid) {
        return pg.primary().queryValue("SELECT state || ':' || query FROM pg_stat_activity WHERE pid = " + pid);
    }

    /** The statement reached the server (it runs, or blocks sending rows nobody reads). */
    void awaitActive(int pid, String sql) {
        awaitCondition("the statement to reach the server", STEP, () -> ("active:" + sql).equals(activityOf(pid)));
    }
}
