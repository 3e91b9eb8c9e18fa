package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.r2dbc.PgConnUnwrap;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.StoppedObservations;
import io.pgconn.spring.boot.autoconfigure.health.PgConnPoolDetails;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import io.r2dbc.spi.test.MockConnection;
import io.r2dbc.spi.test.MockConnectionFactory;
import io.r2dbc.spi.test.MockConnectionFactoryMetadata;
import io.r2dbc.spi.test.MockResult;
import io.r2dbc.spi.test.MockStatement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.r2dbc.autoconfigure.ProxyConnectionFactoryCustomizer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

/**
 * new user 8's F1: with r2dbc-proxy and Micrometer on the class path, Boot's R2DBC query observation
 * ({@code R2dbcObservationAutoConfiguration}, through the {@code ConnectionFactoryDecorator} of
 * {@code R2dbcProxyAutoConfiguration}) applies to the starter's pool as to Boot's own: a Spring Data
 * query is an {@code r2dbc.query} observation with its SQL, and, by Boot's default
 * ({@code management.observations.r2dbc.include-parameter-values=false}), without its parameter values.
 * The proxy sits between the pool and the driver; the pooled connection still reaches its
 * {@code PgConnection} in one call, and the {@code pgConn} health still finds the pool.
 */
@SpringBootTest(classes = R2dbcTestApplication.class, webEnvironment = WebEnvironment.NONE, properties = {
        "pg.conn.database=" + StarterCluster.USER, "pg.conn.username=" + StarterCluster.USER, "pg.conn.password=" + StarterCluster.PASSWORD,
        "pg.conn.ssl.mode=disable", "pg.conn.extension-types=", "pg.conn.pool.initial-size=1", "pg.conn.pool.max-size=2" })
@Import(StoppedObservations.class)
class PgConnR2dbcObservationIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    /** A parameter value that must never reach an observation (parameters may be secrets). */
    private static final String SECRET_OWNER = "owner-S3cret-value";

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder().name("starter-r2dbc-observation")
            .user(PgUser.scram(StarterCluster.USER, StarterCluster.PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .initSql("CREATE DATABASE " + StarterCluster.USER + " OWNER " + StarterCluster.USER)
            .build();

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        registry.add("pg.conn.hosts", () -> StarterCluster.label(PG.primary()));
    }

    @Autowired
    private AccountRepository repository;

    @Autowired
    private DatabaseClient client;

    @Autowired
    private ConnectionFactory connectionFactory;

    @Autowired
    private PgConnectionFactory pgConnectionFactory;

    @Autowired
    private PgConnPoolDetails poolDetails;

    @Autowired
    private StoppedObservations recorded;

    @Autowired
    private MeterRegistry meters;

    @BeforeEach
    void schema() {
        client.sql("DROP TABLE IF EXISTS account").then()
                .then(client.sql("CREATE TABLE account (id BIGSERIAL PRIMARY KEY, owner TEXT NOT NULL, balance BIGINT NOT NULL)").then())
                .block(STEP);
    }

    @Test
    void aRepositoryQueryIsBootsR2dbcQueryObservationWithItsSqlAndWithoutItsParameterValues() {
        repository.save(Account.of(SECRET_OWNER, 7)).block(STEP);
        recorded.contexts.clear();
        assertThat(repository.findByOwner(SECRET_OWNER).collectList().block(STEP)).hasSize(1);

        // Spring Data's SQL: SELECT "account"."id", ... FROM "account" WHERE "account"."owner" = $1
        awaitCondition("the query's r2dbc.query observation to stop", STEP, () -> queries().stream().anyMatch(PgConnR2dbcObservationIT::isTheSelect));
        Observation.Context select = queries().stream().filter(PgConnR2dbcObservationIT::isTheSelect).findFirst().orElseThrow();
        assertThat(query(select)).startsWith("SELECT ").endsWith("WHERE \"account\".\"owner\" = $1");
        assertThat(select.getLowCardinalityKeyValue("r2dbc.connection").getValue()).isEqualTo("PostgreSQL");
        assertThat(select.getHighCardinalityKeyValues()).extracting(KeyValue::getKey)
                .noneMatch(key -> key.startsWith("r2dbc.params"));
        for (Observation.Context context : queries()) {
            assertThat(context.getAllKeyValues()).extracting(KeyValue::getValue).noneMatch(value -> value.contains(SECRET_OWNER));
        }
        // what user 8 looked for: Boot's default meter handler times each observation
        assertThat(meters.get("r2dbc.query").timer().count()).isPositive();
    }

    /** Boot's switch is read for the starter's factory too: set, the values are observed (the default above keeps them out). */
    @Test
    void withBootsIncludeParameterValuesSetTheParameterValuesAreObserved() {
        StoppedObservations observed = new StoppedObservations();
        observedContext(observed).withPropertyValues("management.observations.r2dbc.include-parameter-values=true")
                .run(context -> {
                    DatabaseClient own = DatabaseClient.create(context.getBean(ConnectionFactory.class));
                    assertThat(own.sql("SELECT $1::text").bind(0, "shown-when-asked").map(row -> row.get(0, String.class))
                            .one().block(STEP)).isEqualTo("shown-when-asked");
                    Observation.Context select = observed.awaitR2dbcQuery("SELECT $1::text");
                    assertThat(select.getHighCardinalityKeyValue("r2dbc.params[0]").getValue()).contains("shown-when-asked");
                });
    }

    /** The host the statement's connection is on, as server.address/server.port; Boot's keys unchanged, no value. */
    @Test
    void aStatementsR2dbcQueryObservationCarriesTheHostAndPortOfItsConnection() {
        recorded.contexts.clear();
        assertThat(client.sql("SELECT $1::text").bind(0, SECRET_OWNER).map(row -> row.get(0, String.class)).one().block(STEP))
                .isEqualTo(SECRET_OWNER);

        Observation.Context select = recorded.awaitR2dbcQuery("SELECT $1::text");
        assertThat(select.getLowCardinalityKeyValues()).extracting(KeyValue::getKey)
                .containsExactlyInAnyOrder("r2dbc.connection", "r2dbc.thread", "server.address", "server.port");
        assertThat(select.getLowCardinalityKeyValue("server.address").getValue()).isEqualTo("127.0.0.1");
        assertThat(select.getLowCardinalityKeyValue("server.port").getValue()).isEqualTo(Integer.toString(PG.primary().port()));
        assertThat(select.getLowCardinalityKeyValue("r2dbc.connection").getValue()).isEqualTo("PostgreSQL");
        assertThat(select.getHighCardinalityKeyValues()).extracting(KeyValue::getKey).containsExactly("r2dbc.query[0]");
        assertThat(select.getAllKeyValues()).extracting(KeyValue::getValue).noneMatch(value -> value.contains(SECRET_OWNER));
        assertThat(meters.get("r2dbc.query").tag("server.address", "127.0.0.1")
                .tag("server.port", Integer.toString(PG.primary().port())).timer().count()).isPositive();
    }

    /**
     * Boot's {@code r2dbc.query.active} long-task timer takes its tags when the observation starts — inside Boot's
     * {@code beforeQuery}, before the starter's listener after it could add the host — so it had none. The host is now
     * on the thread before Boot's listener and the starter's {@code QueryObservationConvention} gives it at the start.
     */
    @Test
    void bootsActiveQueryLongTaskTimerCarriesTheHostAndPortOfTheRunningStatement() {
        reactor.core.Disposable running = client.sql("SELECT pg_sleep(2)").then().subscribe();
        try {
            awaitCondition("the running statement's r2dbc.query.active", STEP, () -> meters.find("r2dbc.query.active")
                    .longTaskTimers().stream().anyMatch(timer -> timer.activeTasks() > 0));
            io.micrometer.core.instrument.LongTaskTimer active = meters.find("r2dbc.query.active").longTaskTimers().stream()
                    .filter(timer -> timer.activeTasks() > 0).findFirst().orElseThrow();
            assertThat(active.getId().getTag("server.address")).isEqualTo("127.0.0.1");
            assertThat(active.getId().getTag("server.port")).isEqualTo(Integer.toString(PG.primary().port()));
            assertThat(active.getId().getTag("r2dbc.connection")).as("Boot's keys kept").isEqualTo("PostgreSQL");
        } finally {
            running.dispose();
        }
    }

    /**
     * The host is the connection's, not the factory's configuration: with a refusing first host the
     * connection — and so each statement's observation — is on the second.
     */
    @Test
    void theObservedHostIsTheOneTheConnectionLandedOnNotTheFirstConfigured() {
        int refused = StarterCluster.refusedPort();
        StoppedObservations observed = new StoppedObservations();
        observedContext(observed).withPropertyValues("pg.conn.hosts=127.0.0.1:" + refused + "," + StarterCluster.label(PG.primary()))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    DatabaseClient own = DatabaseClient.create(context.getBean(ConnectionFactory.class));
                    assertThat(own.sql("SELECT 2").map(row -> row.get(0, Integer.class)).one().block(STEP)).isEqualTo(2);
                    Observation.Context select = observed.awaitR2dbcQuery("SELECT 2");
                    assertThat(select.getLowCardinalityKeyValue("server.address").getValue()).isEqualTo("127.0.0.1");
                    assertThat(select.getLowCardinalityKeyValue("server.port").getValue())
                            .isEqualTo(Integer.toString(PG.primary().port())).isNotEqualTo(Integer.toString(refused));
                });
    }

    /**
     * AUDIT-14 L6: the host was put on the thread by one customizer bean and cleared by another, each overridable by
     * its name. An application that replaced the one it could find — to turn the host keys off — kept the other: each
     * pgconn statement left its host on the thread, and the starter's convention stamped it onto the next
     * {@code r2dbc.query} of another driver's factory run there. One bean now does both.
     */
    @Test
    void anApplicationsOwnHostCustomizerLeavesNoPgConnHostOnAnotherDriversQuery() {
        StoppedObservations observed = new StoppedObservations();
        observedContext(observed).withBean("pgConnR2dbcQueryHostCustomizer", ProxyConnectionFactoryCustomizer.class, () -> builder -> { })
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Connection pooled = Mono.from(context.getBean(ConnectionFactory.class).create()).block(STEP);
                    try {
                        // subscribed here: r2dbc-proxy runs the statement's beforeQuery listeners on this thread
                        Flux.from(pooled.createStatement("SELECT 3").execute()).flatMap(Result::getRowsUpdated).blockLast(STEP);
                    } finally {
                        Mono.from(pooled.close()).block(STEP);
                    }
                    ConnectionFactory otherDriver = context.getBean(PgConnR2dbcDecorators.class).decorate(MockConnectionFactory.builder()
                            .connection(MockConnection.builder().statement(MockStatement.builder().result(MockResult.empty()).build()).build())
                            .build());
                    Mono.from(otherDriver.create()).flatMapMany(connection -> connection.createStatement("SELECT 'other driver'").execute())
                            .flatMap(Result::getRowsUpdated).blockLast(STEP);

                    Observation.Context other = observed.awaitR2dbcQuery("SELECT 'other driver'");
                    assertThat(other.getLowCardinalityKeyValue("r2dbc.connection").getValue()).isEqualTo(MockConnectionFactoryMetadata.NAME);
                    assertThat(other.getLowCardinalityKeyValues()).extracting(KeyValue::getKey)
                            .as("no pgconn host on another driver's query").doesNotContain("server.address", "server.port");
                });
    }

    @Test
    void aPooledConnectionIsTheProxysAndReachesItsPgConnectionInOneCall() {
        assertThat(connectionFactory).isInstanceOf(ConnectionPool.class);
        assertThat(Proxy.isProxyClass(PgConnPoolSessionHosts.under(((ConnectionPool) connectionFactory).unwrap()).getClass()))
                .as("r2dbc-proxy's factory between the pool and the driver").isTrue();
        Connection pooled = Mono.from(connectionFactory.create()).block(STEP);
        try {
            assertThat(Proxy.isProxyClass(((Wrapped<?>) pooled).unwrap().getClass())).isTrue();
            PgConnection session = PgConnUnwrap.pgConnection(pooled);
            assertThat(session.isClosed()).isFalse();
            assertThat(session.processId()).isPositive();
        } finally {
            Mono.from(pooled.close()).block(STEP);
        }
    }

    /**
     * A borrower leaves a subscription to a large result that neither reads nor cancels, and releases the
     * connection. r2dbc-proxy does not pass {@code io.r2dbc.spi.Lifecycle} on, so the pool never reached the
     * driver's clean-up on release: the session went back to the pool with the read stuck (its backend
     * active for ever, the next borrower's statements behind it). The starter's pool runs the clean-up
     * through the proxy ({@code PgConnPoolRelease}, docs/r2dbc.md §4).
     */
    @Test
    void aConnectionReleasedThroughTheProxyBehindAReaderThatNeitherReadsNorCancelsIsCleanedUp() throws Exception {
        Connection pooled = Mono.from(connectionFactory.create()).block(STEP);
        int pid = PgConnUnwrap.pgConnection(pooled).processId();
        Result result = Mono.from(pooled.createStatement(
                "SELECT g, repeat('x', 100) FROM generate_series(1, 1000000) g").execute()).block(STEP);
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        result.map((row, metadata) -> row.get(0)).subscribe(new BaseSubscriber<Object>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                // no demand, no cancel
            }

            @Override
            protected void hookOnError(Throwable error) {
                failure.complete(error);
            }
        });
        awaitCondition("the statement to reach the server", STEP, () -> "active".equals(stateOf(pid)));

        Mono.from(pooled.close()).block(STEP);

        awaitCondition("the released session to be idle", STEP, () -> "idle".equals(stateOf(pid)));
        assertThat(failure.get(STEP.toSeconds(), TimeUnit.SECONDS)).hasMessageContaining("preRelease()");
        assertThat(client.sql("SELECT 1").fetch().rowsUpdated().block(STEP)).isNotNull();
    }

    private static String stateOf(int pid) {
        return PG.primary().queryValue("SELECT state FROM pg_stat_activity WHERE pid = " + pid);
    }

    @Test
    void thePgConnHealthFindsThePoolBehindTheProxy() {
        client.sql("SELECT 1").fetch().rowsUpdated().block(STEP);
        assertThat(poolDetails.of(pgConnectionFactory)).containsOnlyKeys(PgConnR2dbcAutoConfiguration.POOL_BEAN_NAME);
        assertThat(poolDetails.of(pgConnectionFactory).get(PgConnR2dbcAutoConfiguration.POOL_BEAN_NAME))
                .containsEntry("max", 2).containsKey("evictions")
                .hasEntrySatisfying("sessionsByHost", byHost -> assertThat(byHost).asInstanceOf(MAP)
                        .containsOnlyKeys("127.0.0.1:" + PG.primary().port())); // counted behind the proxy too
    }

    /** {@link ObservedPoolContexts} on this class's server and database. */
    private static ApplicationContextRunner observedContext(StoppedObservations observed) {
        return ObservedPoolContexts.runner(observed)
                .withPropertyValues("pg.conn.hosts=" + StarterCluster.label(PG.primary()), "pg.conn.database=" + StarterCluster.USER);
    }

    private List<Observation.Context> queries() {
        return recorded.named("r2dbc.query");
    }

    private static boolean isTheSelect(Observation.Context context) {
        return query(context).contains("FROM \"account\" WHERE");
    }

    private static String query(Observation.Context context) {
        return StoppedObservations.r2dbcQuery(context);
    }
}
