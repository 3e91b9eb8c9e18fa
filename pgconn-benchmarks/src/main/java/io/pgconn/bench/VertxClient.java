package io.pgconn.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.SslMode;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * vertx-pg-client: {@code PgConnection.connect} on one {@link Vertx} (native transport preferred,
 * default event loops); it has no multi-host failover, so that scenario is left out.
 */
final class VertxClient implements Client {

    private final Endpoints endpoints;
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));

    VertxClient(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public String name() {
        return "vertx";
    }

    @Override
    public boolean supports(Target target) {
        return target != Target.FAILOVER;
    }

    @Override
    public boolean blocking() {
        return false;
    }

    @Override
    public Source source(Target target, boolean fresh) {
        Endpoints e = endpoints;
        PgConnectOptions o = new PgConnectOptions().setHost(e.host()).setPort(e.primaryPort()).setDatabase(e.database());
        switch (target) {
            case TRUST -> o.setUser(e.trustUser()).setSslMode(SslMode.DISABLE);
            case SCRAM -> o.setUser(e.scramUser()).setPassword(e.scramPassword()).setSslMode(SslMode.DISABLE);
            case SCRAM_REQUIRE -> o.setUser(e.scramUser()).setPassword(e.scramPassword()).setSslMode(SslMode.REQUIRE)
                    .setSslOptions(new ClientSSLOptions().setTrustAll(true));
            case SCRAM_VERIFY_FULL -> o.setUser(e.scramUser()).setPassword(e.scramPassword()).setSslMode(SslMode.VERIFY_FULL)
                    .setSslOptions(new ClientSSLOptions().setHostnameVerificationAlgorithm("HTTPS")
                            .setTrustOptions(new PemTrustOptions().addCertPath(e.caFile())));
            case FAILOVER -> throw new UnsupportedOperationException("vertx-pg-client has no multi-host failover");
        }
        return () -> PgConnection.connect(vertx, o).toCompletionStage().toCompletableFuture().thenApply(c -> c);
    }

    @Override
    public CompletableFuture<Void> selectOne(Object connection) {
        return ((PgConnection) connection).query("SELECT 1").execute()
                .map(rows -> rows.iterator().next().getInteger(0))
                .toCompletionStage().toCompletableFuture().thenAccept(v -> { });
    }

    @Override
    public CompletableFuture<Integer> backendPid(Object connection) {
        return CompletableFuture.completedFuture(((PgConnection) connection).processId());
    }

    @Override
    public CompletableFuture<Void> close(Object connection) {
        return ((PgConnection) connection).close().toCompletionStage().toCompletableFuture();
    }

    @Override
    public String settings() {
        return "vertx-pg-client " + PgConnection.class.getPackage().getImplementationVersion()
                + ": PgConnection.connect on one Vertx (preferNativeTransport=true, " + "default event loop threads = 2 x cores),"
                + " defaults otherwise (cachePreparedStatements=false; Vert.x caches the SSL context per options);"
                + " no multi-host support (failover n/a)";
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort at exit
        }
    }
}
