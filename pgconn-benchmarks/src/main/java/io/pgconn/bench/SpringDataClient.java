package io.pgconn.bench;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import org.springframework.data.r2dbc.core.R2dbcEntityTemplate;
import org.springframework.data.r2dbc.dialect.PostgresDialect;
import org.springframework.data.r2dbc.repository.support.R2dbcRepositoryFactory;
import org.springframework.r2dbc.core.DatabaseClient;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * An R2DBC driver the way a Spring application uses it, without Boot: an r2dbc-pool
 * {@link ConnectionPool} (initial and maximum size {@value SpringDataWork#CONCURRENT}, otherwise
 * r2dbc-pool's defaults, the same for every driver) over the driver's factory from
 * {@link ConnectionFactories#get(String)}, a {@link DatabaseClient} with the {@link PostgresDialect}'s
 * bind markers, an {@link R2dbcEntityTemplate} and a {@link BenchEntityRepository} from
 * {@link R2dbcRepositoryFactory}. Runs only the Spring Data scenarios.
 *
 * <ul>
 *   <li>{@code pgconn-r2dbc-data}: {@code r2dbc:pgconn://...} (pgconn-r2dbc, defaults);</li>
 *   <li>{@code r2dbc-data}: {@code r2dbc:postgresql://...} (r2dbc-postgresql, defaults), the anchor.</li>
 * </ul>
 */
final class SpringDataClient implements Client, SpringDataWork {

    private final String name;
    private final String url;
    private final ConnectionPool pool;
    private final BenchEntityRepository repository;

    private SpringDataClient(String name, String url) {
        this.name = name;
        this.url = url;
        ConnectionFactory driver = ConnectionFactories.get(url);
        this.pool = new ConnectionPool(ConnectionPoolConfiguration.builder(driver)
                .initialSize(CONCURRENT).maxSize(CONCURRENT).build());
        pool.warmup().block(Duration.ofSeconds(30));
        DatabaseClient databaseClient = DatabaseClient.builder().connectionFactory(pool)
                .bindMarkers(PostgresDialect.INSTANCE.getBindMarkersFactory()).build();
        R2dbcEntityTemplate template = new R2dbcEntityTemplate(databaseClient, PostgresDialect.INSTANCE);
        this.repository = new R2dbcRepositoryFactory(template).getRepository(BenchEntityRepository.class);
    }

    static SpringDataClient pgconn(Endpoints e) {
        return new SpringDataClient("pgconn-r2dbc-data", "r2dbc:pgconn://" + e.trustUser() + "@" + e.host() + ":" + e.primaryPort()
                + "/" + e.database() + "?sslmode=disable");
    }

    static SpringDataClient r2dbcPostgresql(Endpoints e) {
        return new SpringDataClient("r2dbc-data", "r2dbc:postgresql://" + e.trustUser() + "@" + e.host() + ":" + e.primaryPort()
                + "/" + e.database() + "?sslMode=disable");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean supports(Scenario scenario) {
        return scenario.springData();
    }

    @Override
    public boolean supports(Target target) {
        return false;
    }

    @Override
    public CompletableFuture<BenchEntity> findById(long id) {
        return repository.findById(id)
                .switchIfEmpty(reactor.core.publisher.Mono.error(() -> new IllegalStateException("no " + TABLE + " row with id " + id)))
                .toFuture();
    }

    @Override
    public CompletableFuture<BenchEntity> save(BenchEntity entity) {
        return repository.save(entity).toFuture();
    }

    @Override
    public String settings() {
        return "Spring Data R2DBC " + R2dbcEntityTemplate.class.getPackage().getImplementationVersion()
                + " repository (R2dbcRepositoryFactory over R2dbcEntityTemplate, DatabaseClient with PostgresDialect) on r2dbc-pool "
                + ConnectionPool.class.getPackage().getImplementationVersion() + " (initialSize=maxSize=" + CONCURRENT
                + ", other settings r2dbc-pool's defaults) over ConnectionFactories.get(\"" + url + "\"), the driver's defaults";
    }

    @Override
    public void close() {
        pool.disposeLater().block(Duration.ofSeconds(30));
    }

    // ------------------------------------------------------------------ not a connection-level client

    @Override
    public boolean blocking() {
        return false;
    }

    @Override
    public Source source(Target target, boolean fresh) {
        throw unsupported();
    }

    @Override
    public CompletableFuture<Void> selectOne(Object connection) {
        throw unsupported();
    }

    @Override
    public CompletableFuture<Integer> backendPid(Object connection) {
        throw unsupported();
    }

    @Override
    public CompletableFuture<Void> close(Object connection) {
        throw unsupported();
    }

    @Override
    public CompletableFuture<Void> selectByPk(Object connection, int id) {
        throw unsupported();
    }

    @Override
    public CompletableFuture<Integer> selectRows(Object connection) {
        throw unsupported();
    }

    @Override
    public CompletableFuture<Void> insertPipelined(Object connection, int count, int inFlight) {
        throw unsupported();
    }

    @Override
    public CompletableFuture<Integer> streamRows(Object connection, Runnable midway) {
        throw unsupported();
    }

    private UnsupportedOperationException unsupported() {
        return new UnsupportedOperationException(name + " runs only the Spring Data scenarios");
    }
}
