/**
 * pgconn-core: an asynchronous PostgreSQL connection on Netty. Exports only the API: the
 * connection and its factory, exceptions and value types ({@code io.pgconn}), the configuration
 * ({@code io.pgconn.config}), the tracer SPI ({@code io.pgconn.trace}), the re-connecting LISTEN
 * subscriber ({@code io.pgconn.notify}) and the host watcher's hooks ({@code io.pgconn.spi}). Everything under {@code io.pgconn.internal} may change
 * without notice; the import check test keeps the API free of imports of it.
 */
module io.pgconn.core {
    exports io.pgconn;
    exports io.pgconn.config;
    exports io.pgconn.trace;
    exports io.pgconn.notify;
    exports io.pgconn.query;
    exports io.pgconn.codec;
    exports io.pgconn.spi;

    // the API names EventLoopGroup (PgConnectionFactory.Builder) and Netty channel types (Transport)
    requires transitive io.netty.transport;
    // the codec SPI (io.pgconn.codec) reads and writes values in Netty ByteBufs
    requires transitive io.netty.buffer;
    requires io.netty.common;
    requires io.netty.codec;
    requires io.netty.handler;
    requires com.ongres.saslprep;
    requires java.naming;
    requires jdk.net;
    // native transports are used when present, never required
    requires static io.netty.transport.classes.epoll;
    requires static io.netty.transport.classes.io_uring;
    requires static io.netty.transport.unix.common;
    // Netty's resolver API (netty-transport's own dependency): the AddressResolverGroup of hostResolver=netty-dns
    requires io.netty.resolver;
    // hostResolver=netty-dns only (docs/lifecycle.md §1.1.1): on the module path the application requires it too
    requires static io.netty.resolver.dns;
    requires static io.netty.codec.dns;
}
