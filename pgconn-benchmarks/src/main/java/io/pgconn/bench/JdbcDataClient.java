package io.pgconn.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code pgjdbc-data}: pgjdbc the way a blocking Spring application runs {@link TransactionalWork}'s unit — a
 * {@link TransactionTemplate} over a {@link DataSourceTransactionManager} of a HikariCP pool
 * ({@value SpringDataWork#CONCURRENT} connections, Hikari's defaults otherwise), the statements through a
 * {@link NamedParameterJdbcTemplate}, each unit on one of {@value SpringDataWork#CONCURRENT} request threads (a
 * servlet container's workers). pgjdbc's defaults (server-side prepare from the 5th execution). Runs only
 * {@link Scenario#DATA_TX}; its client CPU includes the request threads' hand-offs, as an application's would.
 */
final class JdbcDataClient extends ApplicationClient implements TransactionalWork {

    private final String url;
    private final HikariDataSource pool;
    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final ExecutorService requestThreads;

    JdbcDataClient(Endpoints e) {
        super("pgjdbc-data");
        this.url = "jdbc:postgresql://" + e.host() + ":" + e.primaryPort() + "/" + e.database() + "?sslmode=disable";
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(e.trustUser());
        config.setMaximumPoolSize(SpringDataWork.CONCURRENT);
        config.setMinimumIdle(SpringDataWork.CONCURRENT);
        this.pool = new HikariDataSource(config);
        this.jdbc = new NamedParameterJdbcTemplate(new JdbcTemplate(pool));
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(pool));
        AtomicInteger threads = new AtomicInteger();
        this.requestThreads = Executors.newFixedThreadPool(SpringDataWork.CONCURRENT, r -> {
            Thread t = new Thread(r, "request-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public boolean supports(Scenario scenario) {
        return scenario == Scenario.DATA_TX;
    }

    @Override
    public CompletableFuture<BigDecimal> selectUpdateSelect(long id) {
        return CompletableFuture.supplyAsync(() -> transactions.execute(status -> {
            MapSqlParameterSource byId = new MapSqlParameterSource("id", id);
            List<BenchEntity> found = jdbc.query(SELECT_ROW, byId, (rs, n) -> new BenchEntity(rs.getLong("id"), rs.getString("name"),
                    rs.getBigDecimal("amount"), rs.getObject("created", OffsetDateTime.class)));
            if (found.isEmpty()) {
                throw new IllegalStateException("no " + SpringDataWork.TABLE + " row with id " + id);
            }
            BigDecimal written = found.get(0).getAmount().add(CENT);
            jdbc.update(UPDATE_AMOUNT, new MapSqlParameterSource("amount", written).addValue("id", id));
            return TransactionalWork.readBack(id, written, jdbc.queryForObject(SELECT_AMOUNT, byId, BigDecimal.class));
        }), requestThreads);
    }

    @Override
    public String settings() {
        return "Spring JDBC " + JdbcTemplate.class.getPackage().getImplementationVersion()
                + " (TransactionTemplate over DataSourceTransactionManager, NamedParameterJdbcTemplate) on HikariCP "
                + hikariVersion() + " (maximumPoolSize=minimumIdle="
                + SpringDataWork.CONCURRENT + ", Hikari's defaults otherwise), " + SpringDataWork.CONCURRENT
                + " request threads, pgjdbc's defaults (" + url + ")";
    }

    /** HikariCP's jar names no Implementation-Version: its Maven coordinates say it. */
    private static String hikariVersion() {
        try (java.io.InputStream in = HikariDataSource.class.getResourceAsStream("/META-INF/maven/com.zaxxer/HikariCP/pom.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "(version unknown)");
        } catch (java.io.IOException e) {
            return "(version unknown)";
        }
    }

    @Override
    public void close() {
        requestThreads.shutdown();
        try {
            requestThreads.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
    }
}
