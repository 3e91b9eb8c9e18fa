package io.pgconn.bench;

import io.r2dbc.postgresql.MultiHostConnectionStrategy;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.client.SSLMode;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * r2dbc-postgresql: one {@link PostgresqlConnectionFactory} per target (reactor-netty's shared
 * loop resources, epoll when present), defaults otherwise; a new factory per connect for the
 * "first" failover case, which holds the multi-host status memory.
 */
final class R2dbcClient implements Client {

    private final Endpoints endpoints;
    private final Map<Target, PostgresqlConnectionFactory> factories = new ConcurrentHashMap<>();

    R2dbcClient(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public String name() {
        return "r2dbc";
    }

    @Override
    public boolean supports(Target target) {
        return true;
    }

    @Override
    public boolean blocking() {
        return false;
    }

    private PostgresqlConnectionFactory factory(Target target) {
        Endpoints e = endpoints;
        PostgresqlConnectionConfiguration.Builder b = PostgresqlConnectionConfiguration.builder().database(e.database());
        if (target == Target.FAILOVER) {
            b.addHost(e.host(), e.refusedPort()).addHost(e.host(), e.standbyPort()).addHost(e.host(), e.primaryPort())
                    .targetServerType(MultiHostConnectionStrategy.TargetServerType.PRIMARY);
        } else {
            b.host(e.host()).port(e.primaryPort());
        }
        switch (target) {
            case TRUST, FAILOVER -> b.username(e.trustUser()).sslMode(SSLMode.DISABLE);
            case SCRAM -> b.username(e.scramUser()).password(e.scramPassword()).sslMode(SSLMode.DISABLE);
            case SCRAM_REQUIRE -> b.username(e.scramUser()).password(e.scramPassword()).sslMode(SSLMode.REQUIRE);
            case SCRAM_VERIFY_FULL -> b.username(e.scramUser()).password(e.scramPassword()).sslMode(SSLMode.VERIFY_FULL)
                    .sslRootCert(e.caFile());
        }
        return new PostgresqlConnectionFactory(b.build());
    }

    @Override
    public Source source(Target target, boolean fresh) {
        PostgresqlConnectionFactory factory = fresh ? factory(target) : factories.computeIfAbsent(target, this::factory);
        return () -> factory.create().toFuture().thenApply(c -> c);
    }

    @Override
    public CompletableFuture<Void> selectOne(Object connection) {
        return ((PostgresqlConnection) connection).createStatement("SELECT 1").execute()
                .flatMap(r -> r.map((row, meta) -> row.get(0, Integer.class)))
                .then().toFuture();
    }

    @Override
    public CompletableFuture<Integer> backendPid(Object connection) {
        // no public accessor for BackendKeyData's process id
        return ((PostgresqlConnection) connection).createStatement("SELECT pg_backend_pid()").execute()
                .flatMap(r -> r.map((row, meta) -> row.get(0, Integer.class))).single().toFuture();
    }

    @Override
    public CompletableFuture<Void> close(Object connection) {
        return ((PostgresqlConnection) connection).close().toFuture();
    }

    @Override
    public String settings() {
        return "r2dbc-postgresql " + PostgresqlConnectionFactory.class.getPackage().getImplementationVersion()
                + ": PostgresqlConnectionFactory per target, defaults (autodetectExtensions=true, reactor-netty default"
                + " LoopResources, tcpNoDelay=true); failover targetServerType=PRIMARY with host status memory"
                + " (hostRecheckTime=" + Duration.ofSeconds(10).toSeconds() + " s default) for repeat, a new factory for first";
    }

    @Override
    public void close() {
    }
}
