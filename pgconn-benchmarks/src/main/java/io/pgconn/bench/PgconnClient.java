package io.pgconn.bench;

import io.netty.channel.EventLoopGroup;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.config.SslProviderKind;
import io.pgconn.Transport;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * pgconn: {@code sslProvider} as given ({@code auto}, the default, is OpenSSL here: netty-tcnative is on
 * this module's classpath); one factory per target (its TLS context and salted-password cache are reused across
 * connects, as an application would), all on one event loop group; a fresh factory per connect for
 * the "first" failover case, so no host memory is carried over.
 */
final class PgconnClient implements Client {

    private final Endpoints endpoints;
    private final SslProviderKind provider;
    private final boolean typeDiscovery;
    private final EventLoopGroup group = Transport.best().newEventLoopGroup(Runtime.getRuntime().availableProcessors());
    private final Map<Target, PgConnectionFactory> factories = new ConcurrentHashMap<>();

    PgconnClient(Endpoints endpoints, SslProviderKind provider) {
        this(endpoints, provider, true);
    }

    /** @param typeDiscovery false: {@code extensionTypes=} (empty), no type OID query at connect */
    PgconnClient(Endpoints endpoints, SslProviderKind provider, boolean typeDiscovery) {
        this.endpoints = endpoints;
        this.provider = provider;
        this.typeDiscovery = typeDiscovery;
    }

    @Override
    public String name() {
        if (!typeDiscovery) {
            return "pgconn-no-types";
        }
        return provider == SslProviderKind.AUTO ? "pgconn" : "pgconn-" + provider.libpqName();
    }

    @Override
    public boolean supports(Target target) {
        // the provider matters only with TLS: a variant with an explicit provider runs the TLS scenarios alone
        return provider == SslProviderKind.AUTO || target.tls();
    }

    @Override
    public boolean blocking() {
        return false;
    }

    ConnConfig config(Target target) {
        Endpoints e = endpoints;
        String common = " dbname=" + e.database() + " sslProvider=" + provider.libpqName() + (typeDiscovery ? "" : " extensionTypes=''");
        String s = switch (target) {
            case TRUST -> "host=" + e.host() + " port=" + e.primaryPort() + " user=" + e.trustUser() + " sslmode=disable";
            case SCRAM -> scram() + " sslmode=disable";
            case SCRAM_REQUIRE -> scram() + " sslmode=require";
            case SCRAM_VERIFY_FULL -> scram() + " sslmode=verify-full sslrootcert=" + e.caFile();
            case FAILOVER -> "host=" + e.host() + "," + e.host() + "," + e.host()
                    + " port=" + e.refusedPort() + "," + e.standbyPort() + "," + e.primaryPort()
                    + " user=" + e.trustUser() + " sslmode=disable target_session_attrs=read-write";
        };
        return ConnConfig.parse(s + common, EnvironmentSource.of(Map.of()));
    }

    private String scram() {
        return "host=" + endpoints.host() + " port=" + endpoints.primaryPort() + " user=" + endpoints.scramUser()
                + " password=" + endpoints.scramPassword();
    }

    @Override
    public Source source(Target target, boolean fresh) {
        if (fresh) {
            PgConnectionFactory factory = newFactory(target);
            return new Source() {
                @Override
                public CompletableFuture<Object> connect() {
                    return factory.connect().thenApply(c -> c);
                }

                @Override
                public void close() {
                    factory.close();
                }
            };
        }
        PgConnectionFactory factory = factories.computeIfAbsent(target, this::newFactory);
        return () -> factory.connect().thenApply(c -> c);
    }

    private PgConnectionFactory newFactory(Target target) {
        return PgConnectionFactory.builder(config(target)).eventLoopGroup(group).build();
    }

    @Override
    public CompletableFuture<Void> selectOne(Object connection) {
        return ((PgConnection) connection).simpleQuery("SELECT 1").thenAccept(r -> r.singleValue());
    }

    @Override
    public CompletableFuture<Integer> backendPid(Object connection) {
        return CompletableFuture.completedFuture(((PgConnection) connection).processId());
    }

    @Override
    public CompletableFuture<Void> close(Object connection) {
        return ((PgConnection) connection).close();
    }

    @Override
    public String settings() {
        return "pgconn (this build): PgConnectionFactory per target on one "
                + Transport.best().name().toLowerCase() + " event loop group (" + Runtime.getRuntime().availableProcessors()
                + " threads); sslProvider=" + provider.libpqName()
                + (provider == SslProviderKind.AUTO ? " (default; resolves to " + (io.netty.handler.ssl.OpenSsl.isAvailable() ? "OpenSSL "
                        + io.netty.handler.ssl.OpenSsl.versionString() : "JDK") + ")" : "")
                + (typeDiscovery ? "; extensionTypes default (hstore, vector: one to_regtype query on a factory's first connect to a"
                        + " server, its answer reused for hostRecheckInterval=10 s; first failover: a new factory, so a query every connect)"
                        : "; extensionTypes= (no type query)")
                + "; caches on: TLS context per factory, SCRAM salted password (per factory), type OIDs (per factory), host status memory"
                + " (repeat failover; a new factory per connect for first failover); channel_binding=prefer (default)";
    }

    @Override
    public void close() {
        factories.values().forEach(PgConnectionFactory::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
