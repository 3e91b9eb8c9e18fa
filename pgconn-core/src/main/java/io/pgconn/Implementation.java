package io.pgconn;

import io.pgconn.codec.CodecRegistry;
import io.netty.channel.EventLoopGroup;
import io.pgconn.config.ConnConfig;
import io.pgconn.trace.PgTracer;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Clock;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The one link from the API to its implementation, looked up by name once. The implementation
 * imports the API (exceptions, {@code ConnConfig}, {@code PgConnection}); were the API to import it
 * back, the two would form one package cycle, which the import check test forbids. Both classes
 * are in this module, so the lookup works on the module path (same module) and on the classpath.
 */
final class Implementation {

    private static final String FACTORY = "io.pgconn.internal.DefaultPgConnectionFactory";
    private static final MethodHandle NEW_FACTORY = find();

    private Implementation() {
    }

    static PgConnectionFactory newFactory(ConnConfig config, EventLoopGroup group, Transport transport, int threads,
                                          PgTracer tracer, Clock clock, TrustManagerFactory trust, KeyManagerFactory keys,
                                          CodecRegistry codecs) {
        try {
            return (PgConnectionFactory) NEW_FACTORY.invokeExact(config, group, transport, threads, tracer, clock, trust, keys, codecs);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("creating the connection factory failed", e);
        }
    }

    private static MethodHandle find() {
        try {
            return MethodHandles.lookup().findStatic(Class.forName(FACTORY), "create", MethodType.methodType(
                    PgConnectionFactory.class, ConnConfig.class, EventLoopGroup.class, Transport.class, int.class,
                    PgTracer.class, Clock.class, TrustManagerFactory.class, KeyManagerFactory.class, CodecRegistry.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
