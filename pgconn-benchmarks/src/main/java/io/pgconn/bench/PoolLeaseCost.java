package io.pgconn.bench;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.r2dbc.PgConnConnectionPool;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.ValidationDepth;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.lang.management.ManagementFactory;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * What pgconn-r2dbc's lease guard costs per pooled borrow + release, without a server (session 24): the same borrow
 * (r2dbc-pool's {@code create()}, then the connection's {@code close()}) of a pool of one stub connection — no I/O, so
 * only the pool's own work is measured — through a plain r2dbc-pool {@link ConnectionPool} and through a
 * {@link PgConnConnectionPool} (its late-cancel guard and its {@code PoolLeasedConnection}, whose {@link Cleaner}
 * registration is what this is about), rounds alternating; and the {@code Cleaner}'s register + clean alone. Prints ns
 * and bytes allocated (by the measuring thread, which runs the whole borrow and release) per operation.
 *
 * <pre>
 * java -cp CP io.pgconn.bench.PoolLeaseCost [ops per round] [rounds]
 * </pre>
 */
public final class PoolLeaseCost {

    private PoolLeaseCost() {
    }

    public static void main(String[] args) {
        int ops = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ConnConfig config = ConnConfig.parse("host=127.0.0.1 port=1 user=nobody dbname=nothing sslmode=disable",
                EnvironmentSource.of(Map.of()));
        try (PgConnectionFactory pg = PgConnectionFactory.create(config)) {
            ConnectionPool plain = new ConnectionPool(configuration());
            ConnectionPool pgconn = new PgConnConnectionPool(configuration(), pg);
            Cleaner cleaner = Cleaner.create();
            System.out.println("round | plain r2dbc-pool ns, B | PgConnConnectionPool ns, B | Cleaner register+clean ns, B");
            for (int round = 0; round < rounds; round++) {
                String a = measure(threads, ops, () -> borrow(plain));
                String b = measure(threads, ops, () -> borrow(pgconn));
                String c = measure(threads, ops, () -> cleaner.register(new Object(), () -> { }).clean());
                System.out.println(round + " | " + a + " | " + b + " | " + c);
            }
            plain.dispose();
            pgconn.dispose();
        }
    }

    private static void borrow(ConnectionPool pool) {
        Connection connection = Mono.from(pool.create()).block();
        Mono.from(connection.close()).block();
    }

    private static String measure(com.sun.management.ThreadMXBean threads, int ops, Runnable op) {
        long bytes = threads.getCurrentThreadAllocatedBytes();
        long started = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            op.run();
        }
        long nanos = System.nanoTime() - started;
        bytes = threads.getCurrentThreadAllocatedBytes() - bytes;
        return String.format(Locale.ROOT, "%.0f, %d", (double) nanos / ops, bytes / ops);
    }

    private static ConnectionPoolConfiguration configuration() {
        return ConnectionPoolConfiguration.builder(new StubFactory()).initialSize(1).maxSize(1)
                .maxAcquireTime(Duration.ofSeconds(5)).validationDepth(ValidationDepth.LOCAL).build();
    }

    /** Connections that do nothing: the pool's own work is what is measured. */
    private static final class StubFactory implements ConnectionFactory {
        @Override
        public Publisher<? extends Connection> create() {
            return Mono.fromSupplier(StubConnection::new);
        }

        @Override
        public ConnectionFactoryMetadata getMetadata() {
            return () -> "stub";
        }
    }

    private static final class StubConnection implements Connection {
        @Override
        public Publisher<Void> beginTransaction() {
            return Mono.empty();
        }

        @Override
        public Publisher<Void> beginTransaction(io.r2dbc.spi.TransactionDefinition definition) {
            return Mono.empty();
        }

        @Override
        public Publisher<Void> close() {
            return Mono.empty();
        }

        @Override
        public Publisher<Void> commitTransaction() {
            return Mono.empty();
        }

        @Override
        public Batch createBatch() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Publisher<Void> createSavepoint(String name) {
            return Mono.empty();
        }

        @Override
        public Statement createStatement(String sql) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isAutoCommit() {
            return true;
        }

        @Override
        public ConnectionMetadata getMetadata() {
            throw new UnsupportedOperationException();
        }

        @Override
        public IsolationLevel getTransactionIsolationLevel() {
            return IsolationLevel.READ_COMMITTED;
        }

        @Override
        public Publisher<Void> releaseSavepoint(String name) {
            return Mono.empty();
        }

        @Override
        public Publisher<Void> rollbackTransaction() {
            return Mono.empty();
        }

        @Override
        public Publisher<Void> rollbackTransactionToSavepoint(String name) {
            return Mono.empty();
        }

        @Override
        public Publisher<Void> setAutoCommit(boolean autoCommit) {
            return Mono.empty();
        }

        @Override
        public Publisher<Void> setLockWaitTimeout(Duration timeout) {
            return Mono.empty();
        }

        @Override
        public Publisher<Void> setStatementTimeout(Duration timeout) {
            return Mono.empty();
        }

        @Override
        public Publisher<Void> setTransactionIsolationLevel(IsolationLevel isolationLevel) {
            return Mono.empty();
        }

        @Override
        public Publisher<Boolean> validate(ValidationDepth depth) {
            return Mono.just(true);
        }
    }
}
