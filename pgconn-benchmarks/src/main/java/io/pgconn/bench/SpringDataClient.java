package io.pgconn.bench;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import org.springframework.data.r2dbc.core.R2dbcEntityTemplate;
import org.springframework.data.r2dbc.dialect.PostgresDialect;
import org.springframework.data.r2dbc.repository.support.R2dbcRepositoryFactory;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.CompletableFuture;

/**
 * An R2DBC driver the way a Spring application uses it, without Boot: an r2dbc-pool
 * {@link ConnectionPool} (initial and maximum size {@value SpringDataWork#CONCURRENT}, otherwise
 * r2dbc-pool's defaults, the same for every driver) over the driver's factory from
 * {@link ConnectionFactories#get(String)}, a {@link DatabaseClient} with the {@link PostgresDialect}'s
 * bind markers, an {@link R2dbcEntityTemplate} and a {@link BenchEntityRepository} from
 * {@link R2dbcRepositoryFactory}; for {@link Scenario#DATA_TX} a {@link TransactionalOperator} over an
 * {@link R2dbcTransactionManager} of the pool around three {@link DatabaseClient} statements
 * ({@link TransactionalWork}). Runs only the Spring Data scenarios.
 *
 * <ul>
 *   <li>{@code pgconn-r2dbc-data}: {@code r2dbc:pgconn://...} (pgconn-r2dbc, defaults);</li>
 *   <li>{@code r2dbc-data}: {@code r2dbc:postgresql://...} (r2dbc-postgresql, defaults), the anchor.</li>
 * </ul>
 */
final class SpringDataClient extends ApplicationClient implements SpringDataWork, TransactionalWork {

    private final String url;
    private final ConnectionPool pool;
    private final BenchEntityRepository repository;
    private final DatabaseClient databaseClient;
    private final TransactionalOperator transactions;

    private SpringDataClient(String name, String url) {
        super(name);
        this.url = url;
        ConnectionFactory driver = ConnectionFactories.get(url);
        this.pool = new ConnectionPool(ConnectionPoolConfiguration.builder(driver)
                .initialSize(CONCURRENT).maxSize(CONCURRENT).build());
        pool.warmup().block(Duration.ofSeconds(30));
        this.databaseClient = DatabaseClient.builder().connectionFactory(pool)
                .bindMarkers(PostgresDialect.INSTANCE.getBindMarkersFactory()).build();
        this.transactions = TransactionalOperator.create(new R2dbcTransactionManager(pool));
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
    public boolean supports(Scenario scenario) {
        return scenario.springData();
    }

    @Override
    public CompletableFuture<BenchEntity> findById(long id) {
        return repository.findById(id)
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("no " + TABLE + " row with id " + id)))
                .toFuture();
    }

    @Override
    public CompletableFuture<BenchEntity> save(BenchEntity entity) {
        return repository.save(entity).toFuture();
    }

    @Override
    public CompletableFuture<BigDecimal> selectUpdateSelect(long id) {
        Mono<BigDecimal> unit = databaseClient.sql(SELECT_ROW).bind("id", id)
                .map((row, meta) -> new BenchEntity(row.get("id", Long.class), row.get("name", String.class),
                        row.get("amount", BigDecimal.class), row.get("created", OffsetDateTime.class)))
                .one()
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("no " + TABLE + " row with id " + id)))
                .flatMap(entity -> {
                    BigDecimal written = entity.getAmount().add(CENT);
                    return databaseClient.sql(UPDATE_AMOUNT).bind("amount", written).bind("id", id).fetch().rowsUpdated()
                            .then(databaseClient.sql(SELECT_AMOUNT).bind("id", id)
                                    .map((row, meta) -> row.get("amount", BigDecimal.class)).one())
                            .map(read -> TransactionalWork.readBack(id, written, read));
                });
        return transactions.transactional(unit).toFuture();
    }

    @Override
    public String settings() {
        return "Spring Data R2DBC " + R2dbcEntityTemplate.class.getPackage().getImplementationVersion()
                + " repository (R2dbcRepositoryFactory over R2dbcEntityTemplate, DatabaseClient with PostgresDialect;"
                + " DATA_TX: TransactionalOperator over R2dbcTransactionManager, the same DatabaseClient) on r2dbc-pool "
                + ConnectionPool.class.getPackage().getImplementationVersion() + " (initialSize=maxSize=" + CONCURRENT
                + ", other settings r2dbc-pool's defaults) over ConnectionFactories.get(\"" + url + "\"), the driver's defaults";
    }

    @Override
    public void close() {
        pool.disposeLater().block(Duration.ofSeconds(30));
    }
}
