package io.pgconn.internal.failover;

import io.pgconn.ServerRole;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.testing.Conditions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connects launched against a cluster under fire, each tagged with the phase it was launched in.
 * A connect that lands is recorded (host port, role) and closed at once; one that fails keeps its
 * exception. {@link #awaitAll()} fails the test when a connect is still running its whole-attempt
 * deadline (plus a grace) after it was launched: nothing may hang.
 */
final class ConnectsInFlight {

    /** A connect that landed: launched in {@code phase}, on the server listening on {@code port}, which had {@code role}. */
    record Landed(String phase, int port, ServerRole role) {
    }

    private record Launched(long atNanos, CompletableFuture<PgConnection> future) {
    }

    private static final Duration GRACE = Duration.ofSeconds(10);

    private final PgConnectionFactory factory;
    private final Duration connectTimeout;
    private final List<Launched> launched = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Landed> landed = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Throwable> failed = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> closes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger ended = new AtomicInteger();

    ConnectsInFlight(PgConnectionFactory factory, Duration connectTimeout) {
        this.factory = factory;
        this.connectTimeout = connectTimeout;
    }

    /** Starts one connect; the returned future completes (never exceptionally) once it has been recorded. */
    CompletableFuture<Void> launch(String phase) {
        CompletableFuture<PgConnection> future = factory.connect();
        launched.add(new Launched(System.nanoTime(), future));
        return future.handle((connection, error) -> {
            if (error != null) {
                failed.add(error instanceof java.util.concurrent.CompletionException ce && ce.getCause() != null ? ce.getCause() : error);
            } else {
                landed.add(new Landed(phase, connection.hostSpec().port(), connection.role()));
                closes.add(connection.close());
            }
            ended.incrementAndGet();
            return null;
        });
    }

    /** Connects that have ended so far (landed or failed). */
    int ended() {
        return ended.get();
    }

    int launched() {
        return launched.size();
    }

    /** How many connects launched in {@code phase} have landed on {@code port} so far. */
    long landedOn(String phase, int port) {
        return landed.stream().filter(l -> l.phase().equals(phase) && l.port() == port).count();
    }

    /**
     * Waits for every connect launched so far, and for the connections that landed to close. A connect
     * not done {@code connectTimeout} + {@link #GRACE} after its launch fails the test.
     */
    void awaitAll() throws InterruptedException, ExecutionException, TimeoutException {
        for (Launched l : launched) {
            long left = Math.max(1, l.atNanos() + connectTimeout.plus(GRACE).toNanos() - System.nanoTime());
            try {
                l.future().get(left, TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                // recorded by launch()
            } catch (TimeoutException e) {
                throw new AssertionError("a connect outlived its whole-attempt deadline (connectTimeout=" + connectTimeout + ")", e);
            }
        }
        // the recording callbacks run right after each future completes; wait for them too
        Conditions.awaitCondition("every ended connect recorded", GRACE, () -> ended.get() >= launched.size());
        for (CompletableFuture<Void> close : closes) {
            close.get(GRACE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    List<Landed> landed() {
        return new ArrayList<>(landed);
    }

    List<Throwable> failed() {
        return new ArrayList<>(failed);
    }
}
