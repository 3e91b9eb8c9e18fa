package io.pgconn.bench;

import io.r2dbc.spi.ConnectionFactory;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.r2dbc.core.R2dbcEntityTemplate;
import org.springframework.data.r2dbc.repository.support.R2dbcRepositoryFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * An R2DBC driver the way a Spring Boot application gets it (NEW-USER-26/27's apps, less the web layer): a
 * non-web {@link SpringApplication} with auto-configuration, actuator's modules on the class path (health, metrics —
 * a {@code SimpleMeterRegistry} — and observations, Micrometer's {@code DefaultMeterObservationHandler} making a timer
 * and a long-task timer of each observation), and the {@link DatabaseClient}, the {@link ReactiveTransactionManager}
 * and the {@link R2dbcEntityTemplate} taken from the context. The scenarios' code is {@link SpringDataClient}'s.
 *
 * <ul>
 *   <li>{@code pgconn-boot-data}: pgconn-spring-boot-starter (its factory, pool of
 *   {@value SpringDataWork#CONCURRENT}, health monitors, meters, the {@code pg.conn.statement} observation), as a user
 *   gets it;</li>
 *   <li>{@code pgconn-boot-noobs-data}: the same with {@code management.observations.enable.pg.conn=false} (Boot's
 *   switch: no {@code pg.conn.*} observation is recorded);</li>
 *   <li>{@code pgconn-bootr2dbc-data}: pgconn-r2dbc through Boot's own R2DBC auto-configuration
 *   ({@code spring.r2dbc.url=r2dbc:pgconn://...}, Boot's r2dbc-pool), the starter's auto-configurations excluded;</li>
 *   <li>{@code r2dbc-boot-data}: r2dbc-postgresql the same way ({@code r2dbc:postgresql://...}), the anchor: Boot
 *   observes no statement of it without r2dbc-proxy, which is not on this class path.</li>
 * </ul>
 * A name ending in {@code -NAME} is the same client on another starter build ({@code --starter-build NAME=PATH}).
 */
final class BootDataClient extends ApplicationClient implements SpringDataWork, TransactionalWork {

    /** The starter's auto-configurations (its {@code AutoConfiguration.imports}), left out of the clients without it. */
    private static final String STARTER = String.join(",",
            "io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration",
            "io.pgconn.spring.boot.autoconfigure.health.PgConnHealthContributorAutoConfiguration",
            "io.pgconn.spring.boot.autoconfigure.metrics.PgConnMetricsAutoConfiguration",
            "io.pgconn.spring.boot.autoconfigure.r2dbc.PgConnR2dbcAutoConfiguration",
            "io.pgconn.spring.boot.autoconfigure.r2dbc.PgConnR2dbcPoolDetailsAutoConfiguration",
            "io.pgconn.spring.boot.autoconfigure.r2dbc.PgConnSessionsAutoConfiguration",
            "io.pgconn.spring.boot.autoconfigure.flyway.PgConnFlywayAutoConfiguration",
            "io.pgconn.spring.boot.autoconfigure.liquibase.PgConnLiquibaseAutoConfiguration",
            "io.pgconn.spring.boot.autoconfigure.PgConnRuntimeFactoriesAutoConfiguration");

    /** The application: auto-configuration only (its repositories' scan finds {@link BenchEntityRepository}). */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class BenchApplication {
    }

    private final String properties;
    private final ConfigurableApplicationContext context;
    /** The repository, DatabaseClient and TransactionalOperator the units run through. */
    private final R2dbcDataUnits units;

    private BootDataClient(String name, Map<String, Object> properties) {
        super(name);
        this.properties = properties.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        SpringApplication application = new SpringApplication(BenchApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setBannerMode(Banner.Mode.OFF);
        application.setLogStartupInfo(false);
        application.setDefaultProperties(properties);
        this.context = application.run();
        this.units = new R2dbcDataUnits(
                new R2dbcRepositoryFactory(context.getBean(R2dbcEntityTemplate.class)).getRepository(BenchEntityRepository.class),
                context.getBean(DatabaseClient.class), TransactionalOperator.create(context.getBean(ReactiveTransactionManager.class)));
        // the pool's connections open before the first turn, as SpringDataClient's warmup()
        Mono.from(context.getBean(ConnectionFactory.class).create()).flatMap(c -> Mono.from(c.close())).block(java.time.Duration.ofSeconds(30));
    }

    /** The client {@code name} ({@code WorkerMain}'s names; a {@code -NAME} suffix, another starter build, is dropped). */
    static BootDataClient create(String name, String variant, Endpoints e) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("logging.level.root", "WARN");
        p.put("spring.main.lazy-initialization", "false");
        switch (variant) {
            case "pgconn-boot-data", "pgconn-boot-noobs-data" -> {
                p.put("pg.conn.hosts", e.host() + ":" + e.primaryPort());
                p.put("pg.conn.database", e.database());
                p.put("pg.conn.username", e.trustUser());
                p.put("pg.conn.ssl.mode", "disable");
                p.put("pg.conn.pool.initial-size", CONCURRENT);
                p.put("pg.conn.pool.max-size", CONCURRENT);
                if (variant.equals("pgconn-boot-noobs-data")) {
                    p.put("management.observations.enable.pg.conn", "false");
                }
            }
            case "pgconn-bootr2dbc-data", "r2dbc-boot-data" -> {
                String driver = variant.equals("r2dbc-boot-data") ? "postgresql" : "pgconn";
                p.put("spring.autoconfigure.exclude", STARTER);
                p.put("spring.r2dbc.url", "r2dbc:" + driver + "://" + e.host() + ":" + e.primaryPort() + "/" + e.database()
                        + (driver.equals("postgresql") ? "?sslMode=disable" : "?sslmode=disable"));
                p.put("spring.r2dbc.username", e.trustUser());
                p.put("spring.r2dbc.pool.initial-size", CONCURRENT);
                p.put("spring.r2dbc.pool.max-size", CONCURRENT);
            }
            default -> throw new IllegalArgumentException("unknown Boot client " + name
                    + " (expected pgconn-boot-data, pgconn-boot-noobs-data, pgconn-bootr2dbc-data or r2dbc-boot-data)");
        }
        return new BootDataClient(name, p);
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
        return "Spring Boot " + SpringApplication.class.getPackage().getImplementationVersion()
                + " non-web application, auto-configured (actuator's health, metrics and observation modules; DatabaseClient,"
                + " ReactiveTransactionManager and R2dbcEntityTemplate from the context; DATA_TX through TransactionalOperator): "
                + properties + "; ConnectionFactory " + context.getBean(ConnectionFactory.class).getClass().getName();
    }

    @Override
    public void close() {
        context.close();
    }
}
