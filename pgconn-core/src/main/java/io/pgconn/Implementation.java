package io.pgconn;

import io.pgconn.codec.CodecRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SelectStrategyFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.trace.PgTracer;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The one link from the API to its implementation, looked up by name once. The implementation
 * imports the API (exceptions, {@code ConnConfig}, {@code PgConnection}); were the API to import it
 * back, the two would form one package cycle, which the import check test forbids. Both classes
 * are in this module, so the lookup works on the module path (same module) and on the classpath.
 * Two entries: the connection factory, and the busy-polling loops' select strategy
 * ({@link Transport#newEventLoopGroup(int, Duration)}), which pgconn's read and write paths drive.
 */
final class Implementation {

    private static final String FACTORY = "io.pgconn.internal.DefaultPgConnectionFactory";
    private static final String BUSY_POLL = "io.pgconn.internal.transport.BusyPollStrategy";
    private static final MethodHandle NEW_FACTORY = findStatic(FACTORY, "create", MethodType.methodType(
            PgConnectionFactory.class, ConnConfig.class, String.class, EventLoopGroup.class, Transport.class, int.class, boolean.class,
            PgTracer.class, Clock.class, TrustManagerFactory.class, String.class, KeyManagerFactory.class,
            CodecRegistry.class));

    private Implementation() {
    }

    static PgConnectionFactory newFactory(ConnConfig config, String name, EventLoopGroup group, Transport transport, int threads,
                                          boolean callerRun, PgTracer tracer, Clock clock, TrustManagerFactory trust, String trustSource,
                                          KeyManagerFactory keys, CodecRegistry codecs) {
        try {
            return (PgConnectionFactory) NEW_FACTORY.invokeExact(config, name, group, transport, threads, callerRun, tracer, clock, trust,
                    trustSource, keys, codecs);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("creating the connection factory failed", e);
        }
    }

    /** The select strategies of a group whose loops busy-poll for {@code window} after an answer ({@link Transport}). */
    static SelectStrategyFactory busyPollStrategies(Duration window) {
        try {
            return (SelectStrategyFactory) BusyPollStrategies.NEW_STRATEGIES.invokeExact(window);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("creating the busy-poll select strategy failed", e);
        }
    }

    /** A group of caller-run event loops ({@link Transport#newCallerRunEventLoopGroup(String, int, Duration)}). */
    static EventLoopGroup callerRunGroup(int threads, java.util.concurrent.ThreadFactory threadFactory,
                                         io.netty.channel.IoHandlerFactory factory, Duration linger) {
        try {
            return (EventLoopGroup) CallerRunGroups.NEW_GROUP.invokeExact(threads, threadFactory, factory, linger);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("creating the caller-run event loop group failed", e);
        }
    }

    /** Looked up on first use only. */
    private static final class CallerRunGroups {
        static final MethodHandle NEW_GROUP = findStatic("io.pgconn.internal.loop.CallerRunEventLoopGroup", "create",
                MethodType.methodType(EventLoopGroup.class, int.class, java.util.concurrent.ThreadFactory.class,
                        io.netty.channel.IoHandlerFactory.class, Duration.class));
    }

    /** Looked up on first use only: a group without busy-poll never loads the strategy. */
    private static final class BusyPollStrategies {
        static final MethodHandle NEW_STRATEGIES = findStatic(BUSY_POLL, "factory",
                MethodType.methodType(SelectStrategyFactory.class, Duration.class));
    }

    private static MethodHandle findStatic(String className, String name, MethodType type) {
        try {
            return MethodHandles.lookup().findStatic(Class.forName(className), name, type);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
