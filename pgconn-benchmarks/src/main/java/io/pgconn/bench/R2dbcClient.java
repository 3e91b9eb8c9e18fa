package io.pgconn.bench;

import io.r2dbc.postgresql.MultiHostConnectionStrategy;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.client.SSLMode;

import reactor.core.publisher.Flux;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.UUID;
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
    public CompletableFuture<Void> selectByPk(Object connection, int id) {
        return ((PostgresqlConnection) connection).createStatement(PK_SQL).bind("$1", id).execute()
                .flatMap(r -> r.map((row, meta) -> {
                    row.get(0, Integer.class);
                    row.get(1, String.class);
                    row.get(2, BigDecimal.class);
                    return row.get(3, OffsetDateTime.class);
                })).then().toFuture();
    }

    @Override
    public CompletableFuture<Integer> selectRows(Object connection) {
        return ((PostgresqlConnection) connection).createStatement(ROWS_SQL).execute()
                .flatMap(r -> r.map((row, meta) -> {
                    row.get(0, Integer.class);
                    row.get(1, Long.class);
                    row.get(2, Double.class);
                    row.get(3, BigDecimal.class);
                    row.get(4, String.class);
                    row.get(5, String.class);
                    row.get(6, Boolean.class);
                    row.get(7, OffsetDateTime.class);
                    row.get(8, LocalDate.class);
                    return row.get(9, UUID.class);
                })).count().map(Long::intValue).toFuture();
    }

    /** Inserts subscribed up to {@code inFlight} at a time on the one connection (its client queues and pipelines them). */
    @Override
    public CompletableFuture<Void> insertPipelined(Object connection, int count, int inFlight) {
        PostgresqlConnection c = (PostgresqlConnection) connection;
        return Flux.range(0, count)
                .flatMap(i -> c.createStatement(INSERT_SQL).bind("$1", i).bind("$2", "value " + i).execute()
                        .flatMap(r -> r.getRowsUpdated()), inFlight)
                .then().toFuture();
    }

    /** fetchSize(256): Execute with a row limit; limitRate keeps the demand at 256. */
    @Override
    public CompletableFuture<Integer> streamRows(Object connection, Runnable midway) {
        int[] n = new int[1];
        return ((PostgresqlConnection) connection).createStatement(STREAM_SQL).fetchSize(STREAM_DEMAND).execute()
                .flatMap(r -> r.map((row, meta) -> {
                    row.get(0, Integer.class);
                    return row.get(1, String.class);
                }))
                .limitRate(STREAM_DEMAND)
                .doOnNext(v -> {
                    if (++n[0] == STREAM_TOTAL / 2) {
                        midway.run();
                    }
                })
                .then().toFuture().thenApply(v -> n[0]);
    }

    /** COPY FROM STDIN only: r2dbc-postgresql 1.1.x has {@code copyIn} and no copy-out API. */
    @Override
    public boolean copies(Scenario scenario) {
        return scenario == Scenario.COPY_IN;
    }

    /** {@code PostgresqlConnection.copyIn(sql, Publisher<ByteBuf>)} of 64-KiB {@code Unpooled.wrappedBuffer} views of the array. */
    @Override
    public CompletableFuture<Long> copyIn(Object connection, byte[] data) {
        int chunks = (data.length + COPY_CHUNK - 1) / COPY_CHUNK;
        return ((PostgresqlConnection) connection).copyIn(COPY_IN_SQL, Flux.range(0, chunks).map(i ->
                io.netty.buffer.Unpooled.wrappedBuffer(data, i * COPY_CHUNK, Math.min(COPY_CHUNK, data.length - i * COPY_CHUNK))))
                .toFuture();
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
                + " (hostRecheckTime=" + Duration.ofSeconds(10).toSeconds() + " s default) for repeat, a new factory for first;"
                + " COPY_IN: PostgresqlConnection.copyIn(sql, Publisher<ByteBuf>) of 65536-byte wrapped views of the array;"
                + " COPY_OUT n/a (1.1.x has no copy-out API)";
    }

    @Override
    public void close() {
    }
}
