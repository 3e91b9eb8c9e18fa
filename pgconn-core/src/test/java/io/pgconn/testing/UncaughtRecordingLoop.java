package io.pgconn.testing;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.pgconn.Notification;
import io.pgconn.NotificationListener;
import io.pgconn.PgConnectionFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An event loop group of one NIO thread whose uncaught-exception handler records what reaches it — where a
 * {@link VirtualMachineError} thrown on the loop goes ({@link io.pgconn.FatalErrors#handToTheThread}) — for the tests
 * of listeners that throw one (ListenerFatalErrorIT, SubscriberListenerFatalErrorIT).
 */
public final class UncaughtRecordingLoop {

    private volatile CompletableFuture<Throwable> uncaught = new CompletableFuture<>();
    private final Thread.UncaughtExceptionHandler recording = (thread, error) -> uncaught.complete(error);
    private final EventLoopGroup group;

    public UncaughtRecordingLoop(String threadName) {
        DefaultThreadFactory threads = new DefaultThreadFactory(threadName, true) {
            @Override
            protected Thread newThread(Runnable r, String name) {
                Thread thread = super.newThread(r, name);
                thread.setUncaughtExceptionHandler(recording);
                return thread;
            }
        };
        group = new MultiThreadIoEventLoopGroup(1, threads, NioIoHandler.newFactory());
    }

    /** The group, for a factory's {@code eventLoopGroup}. */
    public EventLoopGroup group() {
        return group;
    }

    /** The handler the loop thread has: for another thread whose uncaught errors the test awaits too. */
    public Thread.UncaughtExceptionHandler recording() {
        return recording;
    }

    /** The first error that reached the handler since the last {@link #forget}. */
    public CompletableFuture<Throwable> uncaught() {
        return uncaught;
    }

    /** Forgets what reached the handler so far (before each test). */
    public void forget() {
        uncaught = new CompletableFuture<>();
    }

    /** Closes {@code factory} and then the group; no connection may have been left open. */
    public void close(PgConnectionFactory factory) throws InterruptedException {
        int leftOpen = factory.openConnections();
        factory.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        assertThat(leftOpen).as("connections left open").isZero();
    }

    /** A listener whose {@code onComplete} throws {@code thrown}. */
    public static NotificationListener completionThrows(VirtualMachineError thrown) {
        return new NotificationListener() {
            @Override
            public void onNotification(Notification notification) {
            }

            @Override
            public void onComplete(Throwable cause) {
                throw thrown;
            }
        };
    }
}
