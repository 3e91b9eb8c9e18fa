package io.pgconn.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

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
        // prepared statements cached (off by default) for the query scenarios; pipelining limit 256 (its default)
        PgConnectOptions o = new PgConnectOptions().setHost(e.host()).setPort(e.primaryPort()).setDatabase(e.database())
                .setCachePreparedStatements(true).setPipeliningLimit(256);
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
    public CompletableFuture<Void> selectByPk(Object connection, int id) {
        return ((PgConnection) connection).preparedQuery(PK_SQL).execute(Tuple.of(id)).map(rows -> {
            Row r = rows.iterator().next();
            r.getInteger(0);
            r.getString(1);
            r.getBigDecimal(2);
            r.getOffsetDateTime(3);
            return (Void) null;
        }).toCompletionStage().toCompletableFuture();
    }

    @Override
    public CompletableFuture<Integer> selectRows(Object connection) {
        // mapping: each row is read as it is decoded, no RowSet of Rows gathered first (measured faster than execute().map)
        return ((PgConnection) connection).preparedQuery(ROWS_SQL).mapping(r -> {
            r.getInteger(0);
            r.getLong(1);
            r.getDouble(2);
            r.getBigDecimal(3);
            r.getString(4);
            r.getString(5);
            r.getBoolean(6);
            r.getOffsetDateTime(7);
            r.getLocalDate(8);
            r.getUUID(9);
            return Boolean.TRUE;
        }).execute().map(rows -> rows.size()).toCompletionStage().toCompletableFuture();
    }

    /** Vert.x pipelines on its own (pipeliningLimit 256): every insert sent at once, it keeps 256 on the wire. */
    @Override
    public CompletableFuture<Void> insertPipelined(Object connection, int count, int inFlight) {
        PgConnection c = (PgConnection) connection;
        CompletableFuture<Void> all = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(count);
        for (int i = 0; i < count; i++) {
            c.preparedQuery(INSERT_SQL).execute(Tuple.of(i, "value " + i)).onComplete(ar -> {
                if (ar.failed()) {
                    all.completeExceptionally(ar.cause());
                } else if (left.decrementAndGet() == 0) {
                    all.complete(null);
                }
            });
        }
        return all;
    }

    /** A cursor stream of 256 rows per fetch; PostgreSQL keeps cursors only inside a transaction. */
    @Override
    public CompletableFuture<Integer> streamRows(Object connection, Runnable midway) {
        PgConnection c = (PgConnection) connection;
        CompletableFuture<Integer> done = new CompletableFuture<>();
        c.begin().onSuccess(tx -> c.prepare(STREAM_SQL).onSuccess(ps -> {
            int[] n = new int[1];
            ps.createStream(STREAM_DEMAND)
                    .exceptionHandler(done::completeExceptionally)
                    .endHandler(v -> tx.commit().onComplete(ar -> ps.close().onComplete(x -> done.complete(n[0]))))
                    .handler(row -> {
                        row.getInteger(0);
                        row.getString(1);
                        if (++n[0] == STREAM_TOTAL / 2) {
                            midway.run();
                        }
                    });
        }).onFailure(done::completeExceptionally)).onFailure(done::completeExceptionally);
        return done;
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
                + " cachePreparedStatements=true (its default is false), pipeliningLimit=256, defaults otherwise"
                + " (Vert.x caches the SSL context per options);"
                + " no multi-host support (failover n/a); no COPY API in 5.0.x (COPY_IN, COPY_OUT n/a:"
                + " eclipse-vertx/vertx-sql-client issue 153, pull request 1696 open)";
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
