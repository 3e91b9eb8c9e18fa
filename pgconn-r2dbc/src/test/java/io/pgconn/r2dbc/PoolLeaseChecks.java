package io.pgconn.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the pool lease ITs ({@code PoolAbandonedLeaseIT}, {@code PoolLateCancelIT}, {@code PoolChainedBorrowerIT}) set
 * up and check a lease with: the core factory over the test server and the pool's end, a fresh table, a connection taken
 * with a subscriber of the test's own (its acquire's subscription kept, work run inside the delivery), the WARNINGs a
 * logger wrote, and that a lent session still answers a statement.
 */
final class PoolLeaseChecks {

    private PoolLeaseChecks() {
    }

    /** A core factory over {@code pg}'s primary, as the test user, without the extension type lookup. */
    static PgConnectionFactory coreFactory(PgClusterExtension pg) {
        return PgConnectionFactory.create(ConnConfig.parse("host=127.0.0.1 port=" + pg.primary().port()
                + " dbname=" + R2dbcTestServer.DATABASE + " user=" + R2dbcTestServer.USER + " password=" + R2dbcTestServer.PASSWORD
                + " sslmode=disable extensionTypes=''", EnvironmentSource.of(Map.of())));
    }

    /** The table {@code table (id int)}, created if missing and emptied, through a connection of {@code pool}. */
    static void emptyTable(ConnectionFactory pool, String table, Duration step) {
        Connection setup = Mono.from(pool.create()).block(step);
        run(setup, "CREATE TABLE IF NOT EXISTS " + table + " (id int)", step);
        run(setup, "TRUNCATE " + table, step);
        Mono.from(setup.close()).block(step);
    }

    /** {@code pool} disposed, then {@code core} closed (also when the dispose failed). */
    static void dispose(ConnectionPool pool, PgConnectionFactory core, Duration step) {
        try {
            pool.disposeLater().block(step);
        } finally {
            core.close();
        }
    }

    /** {@code sql} run on {@code connection}, its update counts read, awaited up to {@code step}. */
    static void run(Connection connection, String sql, Duration step) {
        Flux.from(connection.createStatement(sql).execute()).flatMap(result -> result.getRowsUpdated()).blockLast(step);
    }

    /** The WARNING records of the lease's logger while {@code action} ran (System.Logger's default backend: JUL). */
    static List<LogRecord> captureWarnings(Runnable action) {
        return captureWarnings(PoolLeasedConnection.class, action);
    }

    /** The WARNING records of {@code loggedBy}'s logger while {@code action} ran. */
    static List<LogRecord> captureWarnings(Class<?> loggedBy, Runnable action) {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel() == Level.WARNING) {
                    records.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(loggedBy.getName());
        logger.addHandler(capture);
        try {
            action.run();
        } finally {
            logger.removeHandler(capture);
        }
        return records;
    }

    /**
     * A connection of {@code pool}, taken with a subscriber of its own: the acquire's subscription left in
     * {@code acquire} (not cancelled: {@code inDelivery} may cancel it, as {@code take(1)} would), {@code inDelivery} run
     * with the connection inside the delivery, on the delivering thread; awaited up to {@code step}.
     */
    static Connection lent(ConnectionFactory pool, AtomicReference<Subscription> acquire, Consumer<Connection> inDelivery,
            Duration step) {
        CompletableFuture<Connection> lent = new CompletableFuture<>();
        pool.create().subscribe(new BaseSubscriber<Connection>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                acquire.set(subscription);
                subscription.request(1);
            }

            @Override
            protected void hookOnNext(Connection connection) {
                inDelivery.accept(connection);
                lent.complete(connection);
            }

            @Override
            protected void hookOnError(Throwable error) {
                lent.completeExceptionally(error);
            }
        });
        try {
            return lent.get(step.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("no connection from the pool", e);
        }
    }

    /** {@code SELECT 1} on {@code connection}, its answer awaited up to {@code step}. */
    static Integer selectOne(Connection connection, Duration step) {
        return Flux.from(connection.createStatement("SELECT 1").execute())
                .flatMap(result -> result.map(row -> row.get(0, Integer.class))).blockLast(step);
    }
}
