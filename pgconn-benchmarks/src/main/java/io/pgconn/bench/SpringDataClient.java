package io.pgconn.bench;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.r2dbc.PgConnConnectionPool;
import io.pgconn.r2dbc.PgConnPools;
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

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
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
 *   <li>{@code r2dbc-data}: {@code r2dbc:postgresql://...} (r2dbc-postgresql, defaults), the anchor;</li>
 *   <li>{@code pgconn-r2dbc-pools-data}: pgconn-r2dbc through its own pool ({@link PgConnPools}, what the starter
 *   builds) instead of a plain r2dbc-pool over the URL's factory.</li>
 * </ul>
 */
final class SpringDataClient extends ApplicationClient implements SpringDataWork, TransactionalWork {

    /** How the pool and driver were made, for the results file. */
    private final String poolSettings;
    private final ConnectionPool pool;
    /** What closes after the pool (the core factory a {@link PgConnPools} pool does not own). */
    private final Runnable afterPool;
    /** The repository, DatabaseClient and TransactionalOperator the units run through. */
    private final R2dbcDataUnits units;

    private SpringDataClient(String name, ConnectionPool pool, String poolSettings, Runnable afterPool) {
        super(name);
        this.poolSettings = poolSettings;
        this.pool = pool;
        this.afterPool = afterPool;
        pool.warmup().block(Duration.ofSeconds(30));
        DatabaseClient databaseClient = DatabaseClient.builder().connectionFactory(pool)
                .bindMarkers(PostgresDialect.INSTANCE.getBindMarkersFactory()).build();
        R2dbcEntityTemplate template = new R2dbcEntityTemplate(databaseClient, PostgresDialect.INSTANCE);
        this.units = new R2dbcDataUnits(new R2dbcRepositoryFactory(template).getRepository(BenchEntityRepository.class),
                databaseClient, TransactionalOperator.create(new R2dbcTransactionManager(pool)));
    }

    static SpringDataClient pgconn(Endpoints e) {
        return pgconn(e, "pgconn-r2dbc-data");
    }

    /** {@link #pgconn(Endpoints)} under another name (a client on another pgconn-r2dbc build, {@code --r2dbc-build}). */
    static SpringDataClient pgconn(Endpoints e, String name) {
        return overUrl(name, "r2dbc:pgconn://" + e.trustUser() + "@" + e.host() + ":" + e.primaryPort()
                + "/" + e.database() + "?sslmode=disable");
    }

    static SpringDataClient r2dbcPostgresql(Endpoints e) {
        return overUrl("r2dbc-data", "r2dbc:postgresql://" + e.trustUser() + "@" + e.host() + ":" + e.primaryPort()
                + "/" + e.database() + "?sslMode=disable");
    }

    /**
     * pgconn-r2dbc's own pool, as the starter builds it ({@link PgConnPools}: the release clean-up, the lease that
     * finds dropped connections, create retry, eviction), initial and maximum size {@value SpringDataWork#CONCURRENT},
     * its defaults otherwise.
     */
    static SpringDataClient pgconnPools(Endpoints e) {
        return pgconnPools(e, "pgconn-r2dbc-pools-data");
    }

    /** {@link #pgconnPools(Endpoints)} under another name ({@code --r2dbc-build}). */
    static SpringDataClient pgconnPools(Endpoints e, String name) {
        String config = "host=" + e.host() + " port=" + e.primaryPort() + " dbname=" + e.database() + " user=" + e.trustUser()
                + " sslmode=disable";
        PgConnectionFactory factory = PgConnectionFactory.create(ConnConfig.parse(config, EnvironmentSource.of(Map.of())));
        PgConnConnectionPool pool = PgConnPools.over(factory).initialSize(CONCURRENT).maxSize(CONCURRENT).build();
        return new SpringDataClient(name, pool, "pgconn-r2dbc's PgConnPools (PgConnConnectionPool over r2dbc-pool "
                + ConnectionPool.class.getPackage().getImplementationVersion() + ", initialSize=maxSize=" + CONCURRENT
                + ", its defaults otherwise; the starter's pool) over PgConnectionFactory.create(\"" + config + "\")", factory::close);
    }

    /** r2dbc-pool over the driver of an R2DBC URL, the same settings for every driver. */
    private static SpringDataClient overUrl(String name, String url) {
        ConnectionFactory driver = ConnectionFactories.get(url);
        ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(driver).initialSize(CONCURRENT).maxSize(CONCURRENT).build());
        return new SpringDataClient(name, pool, "r2dbc-pool " + ConnectionPool.class.getPackage().getImplementationVersion()
                + " (initialSize=maxSize=" + CONCURRENT + ", other settings r2dbc-pool's defaults) over ConnectionFactories.get(\""
                + url + "\"), the driver's defaults", () -> { });
    }

    @Override
    public boolean supports(Scenario scenario) {
        return scenario.springData();
    }

    @Override
    public CompletableFuture<BenchEntity> findById(long id) {
        return units.findById(id);
    }

    @Override
    public CompletableFuture<BenchEntity> save(BenchEntity entity) {
        return units.save(entity);
    }

    @Override
    public CompletableFuture<BigDecimal> selectUpdateSelect(long id) {
        return units.selectUpdateSelect(id);
    }

    @Override
    public String settings() {
        return "Spring Data R2DBC " + R2dbcEntityTemplate.class.getPackage().getImplementationVersion()
                + " repository (R2dbcRepositoryFactory over R2dbcEntityTemplate, DatabaseClient with PostgresDialect;"
                + " DATA_TX: TransactionalOperator over R2dbcTransactionManager, the same DatabaseClient) on " + poolSettings;
    }

    @Override
    public void close() {
        pool.disposeLater().block(Duration.ofSeconds(30));
        afterPool.run();
    }
}
