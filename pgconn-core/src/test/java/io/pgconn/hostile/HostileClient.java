package io.pgconn.hostile;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Connects pgconn to a scripted server and reports how the attempt ended. */
public final class HostileClient implements AutoCloseable {

    /** Upper bound for any single hostile case; the client's own budgets are smaller. */
    public static final Duration CASE_LIMIT = Duration.ofSeconds(20);

    private final PgConnectionFactory factory;

    public HostileClient(ScriptedServer server, String options) {
        ConnConfig config = ConnConfig.parse("host=127.0.0.1 port=" + server.port()
                + " user=alice dbname=app password=secret-pw extensionTypes='' " + options, EnvironmentSource.of(Map.of()));
        this.factory = PgConnectionFactory.builder(config).threads(1).build();
    }

    public PgConnectionFactory factory() {
        return factory;
    }

    /** Connects and returns the failure; fails the test if the connect succeeds or hangs past {@link #CASE_LIMIT}. */
    public Throwable connectFailure() {
        try {
            PgConnection connection = factory.connect().get(CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            connection.close();
            throw new AssertionError("connect succeeded against a hostile server: " + connection);
        } catch (ExecutionException | CompletionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("connect hung for " + CASE_LIMIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Connects and returns the connection; fails the test on error or hang. */
    public PgConnection connect() {
        try {
            return factory.connect().get(CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("connect failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("connect hung for " + CASE_LIMIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        factory.close();
    }
}
