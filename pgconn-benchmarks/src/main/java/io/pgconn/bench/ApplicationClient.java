package io.pgconn.bench;

import java.util.concurrent.CompletableFuture;

/**
 * A client measured the way an application uses a driver (a pool under Spring's data access), not connection by
 * connection: it runs only the scenarios it {@link #supports(Scenario) names}, and none of the connection-level calls
 * of {@link Client}, which fail here.
 */
abstract class ApplicationClient implements Client {

    private final String name;

    ApplicationClient(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public abstract boolean supports(Scenario scenario);

    @Override
    public final boolean supports(Target target) {
        return false;
    }

    @Override
    public final boolean blocking() {
        return false;
    }

    @Override
    public final Source source(Target target, boolean fresh) {
        throw unsupported();
    }

    @Override
    public final CompletableFuture<Void> selectOne(Object connection) {
        throw unsupported();
    }

    @Override
    public final CompletableFuture<Integer> backendPid(Object connection) {
        throw unsupported();
    }

    @Override
    public final CompletableFuture<Void> close(Object connection) {
        throw unsupported();
    }

    @Override
    public final CompletableFuture<Void> selectByPk(Object connection, int id) {
        throw unsupported();
    }

    @Override
    public final CompletableFuture<Integer> selectRows(Object connection) {
        throw unsupported();
    }

    @Override
    public final CompletableFuture<Void> insertPipelined(Object connection, int count, int inFlight) {
        throw unsupported();
    }

    @Override
    public final CompletableFuture<Integer> streamRows(Object connection, Runnable midway) {
        throw unsupported();
    }

    private UnsupportedOperationException unsupported() {
        return new UnsupportedOperationException(name + " runs only the application-level (Spring) scenarios");
    }
}
