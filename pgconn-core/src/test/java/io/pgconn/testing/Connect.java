package io.pgconn.testing;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.QueryResult;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.testkit.PgServer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Small helpers for integration tests: a DSN for a testkit server, and bounded waits on futures. */
public final class Connect {

    /** No single step of an integration test may take longer than this. */
    public static final Duration LIMIT = Duration.ofSeconds(30);

    private Connect() {
    }

    /** A key=value DSN for {@code server} and {@code user} plus extra keywords; no environment is read. */
    public static ConnConfig config(PgServer server, String user, String password, String extra) {
        String dsn = "host=localhost port=" + server.port() + " dbname=postgres user=" + user
                + (password == null ? "" : " password='" + password + "'") + " " + extra;
        return ConnConfig.parse(dsn, EnvironmentSource.of(Map.of("HOME", System.getProperty("java.io.tmpdir"))));
    }

    /** The value of a future, failing the test if it takes longer than {@link #LIMIT}; unwraps the cause. */
    public static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new AssertionError(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no result within " + LIMIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The failure of a future that must fail, unwrapped. */
    public static Throwable failure(CompletableFuture<?> future) {
        try {
            Object value = future.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            if (value instanceof PgConnection c) {
                c.close();
            }
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("no result within " + LIMIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static PgConnection open(PgConnectionFactory factory, ConnConfig config) {
        return await(factory.connect(config));
    }

    public static String value(PgConnection connection, String sql) {
        QueryResult result = await(connection.simpleQuery(sql));
        return result.singleValue();
    }
}
