/**
 * pgconn-r2dbc: the R2DBC driver {@code pgconn} ({@code r2dbc:pgconn://...}) on pgconn-core, and the
 * r2dbc-pool eviction that keeps a pool from handing out connections to a server in the wrong role.
 * r2dbc-spi, r2dbc-pool and Reactor are automatic modules (their jars name themselves in the
 * manifest), hence the suppressed lints.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.pgconn.r2dbc {
    exports io.pgconn.r2dbc;

    // the API names ConnectionFactory/Connection, Mono/Flux, r2dbc-pool's and reactor-pool's builder types
    requires transitive io.pgconn.core;
    requires transitive r2dbc.spi;
    requires transitive r2dbc.pool;
    requires transitive reactor.core;
    requires transitive reactor.pool;
    requires transitive org.reactivestreams;
    requires io.netty.common; // NetUtil: telling an IPv6 literal from a mistyped host:port in the host option

    provides io.r2dbc.spi.ConnectionFactoryProvider with io.pgconn.r2dbc.PgConnR2dbcConnectionFactoryProvider;
}
