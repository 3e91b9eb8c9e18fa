package io.pgconn.hostile;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.trace.PgTracer;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/** Connects pgconn to scripted servers and reports how the attempt ended. */
public final class HostileClient implements AutoCloseable {

    /** Upper bound for any single hostile case; the client's own budgets are smaller. */
    public static final Duration CASE_LIMIT = Duration.ofSeconds(20);

    /** The password of every hostile case: recognisable, so that a leak of it can be searched for. */
    public static final String PASSWORD = "Hostile-Secret-9c1e";

    /** Budgets unless a case sets its own (later keywords win). */
    private static final String DEFAULTS = "connectTimeout=5s hostConnectTimeout=5s ";

    private final PgConnectionFactory factory;

    public HostileClient(ScriptedServer server, String options) {
        this(options, PgTracer.noop(), server);
    }

    /** One client over several scripted servers, as a multi-host list in the given order. */
    public HostileClient(String options, PgTracer tracer, ScriptedServer... servers) {
        String hosts = Arrays.stream(servers).map(s -> "127.0.0.1").collect(Collectors.joining(","));
        String ports = Arrays.stream(servers).map(s -> String.valueOf(s.port())).collect(Collectors.joining(","));
        ConnConfig config = ConnConfig.parse("host=" + hosts + " port=" + ports + " user=alice dbname=app password=" + PASSWORD
                + " extensionTypes='' " + DEFAULTS + options, EnvironmentSource.of(Map.of()));
        this.factory = PgConnectionFactory.builder(config).threads(1).tracer(tracer).build();
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
