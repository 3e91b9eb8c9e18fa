package io.pgconn.r2dbc;

import io.r2dbc.spi.Connection;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the pool lease ITs ({@code PoolAbandonedLeaseIT}, {@code PoolLateCancelIT}) check a lease with: the WARNINGs
 * its logger wrote, and that a lent session still answers a statement.
 */
final class PoolLeaseChecks {

    private PoolLeaseChecks() {
    }

    /** The WARNING records of the lease's logger while {@code action} ran (System.Logger's default backend: JUL). */
    static List<LogRecord> captureWarnings(Runnable action) {
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
        Logger logger = Logger.getLogger(PoolLeasedConnection.class.getName());
        logger.addHandler(capture);
        try {
            action.run();
        } finally {
            logger.removeHandler(capture);
        }
        return records;
    }

    /** {@code SELECT 1} on {@code connection}, its answer awaited up to {@code step}. */
    static Integer selectOne(Connection connection, Duration step) {
        return Flux.from(connection.createStatement("SELECT 1").execute())
                .flatMap(result -> result.map(row -> row.get(0, Integer.class))).blockLast(step);
    }
}
