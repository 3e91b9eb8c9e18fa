package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;

import io.micrometer.core.instrument.Tag;
import io.r2dbc.spi.Connection;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An application with only the starter and spring-boot-starter-data-r2dbc: the R2DBC
 * ConnectionFactory is pgconn's pool over the starter's PgConnectionFactory (Boot's own R2DBC
 * auto-configuration backs off), and Spring Data R2DBC, {@code @Transactional} and
 * {@code DatabaseClient} work on it. Without r2dbc-proxy (excluded here; {@link PgConnR2dbcObservationIT}
 * has it), the pool is directly over the driver's factory.
 */
@SpringBootTest(classes = R2dbcTestApplication.class, webEnvironment = WebEnvironment.NONE, properties = {
        "pg.conn.database=" + StarterCluster.USER, "pg.conn.username=" + StarterCluster.USER, "pg.conn.password=" + StarterCluster.PASSWORD,
        "pg.conn.ssl.mode=disable", "pg.conn.extension-types=", "pg.conn.pool.initial-size=1", "pg.conn.pool.max-size=4",
        // as an application without r2dbc-proxy (the other R2DBC tests run with it: it is on the test class path)
        "spring.autoconfigure.exclude=org.springframework.boot.r2dbc.autoconfigure.R2dbcProxyAutoConfiguration" })
@Import({PgConnR2dbcStarterIT.ThrowingEvictionListener.class, PgConnR2dbcStarterIT.CountingEvictionListener.class})
class PgConnR2dbcStarterIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    /** The pool's bean name: the {@code name} tag of its meters. */
    private static final String POOL = PgConnR2dbcAutoConfiguration.POOL_BEAN_NAME;

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder().name("starter-r2dbc")
            .user(PgUser.scram(StarterCluster.USER, StarterCluster.PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .initSql("CREATE DATABASE " + StarterCluster.USER + " OWNER " + StarterCluster.USER)
            .build();

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        registry.add("pg.conn.hosts", () -> "127.0.0.1:" + PG.primary().port());
    }

    @Autowired
    private ConnectionFactory connectionFactory;

    @Autowired
    private CountingEvictionListener listener;

    @Autowired
    private PgConnectionFactory pgConnectionFactory;

    @Autowired
    private ReactiveTransactionManager transactionManager;

    @Autowired
    private AccountRepository repository;

    @Autowired
    private AccountService service;

    @Autowired
    private DatabaseClient client;

    @Autowired
    private MeterRegistry meters;

    @BeforeEach
    void schema() {
        client.sql("DROP TABLE IF EXISTS account").then()
                .then(client.sql("CREATE TABLE account (id BIGSERIAL PRIMARY KEY, owner TEXT NOT NULL, balance BIGINT NOT NULL)").then())
                .block(STEP);
    }

    @Test
    void theConnectionFactoryIsPgconnsPoolOnTheSharedFactory() {
        assertThat(connectionFactory).isInstanceOf(ConnectionPool.class);
        assertThat(PgConnPoolSessionHosts.under(((ConnectionPool) connectionFactory).unwrap())).as("no decorator: the pool is over the driver's factory (under its session count)")
                .isInstanceOf(io.pgconn.r2dbc.PgConnR2dbcConnectionFactory.class);
        assertThat(connectionFactory.getMetadata().getName()).isEqualTo("PostgreSQL");
        assertThat(transactionManager).isInstanceOf(R2dbcTransactionManager.class);
        int before = pgConnectionFactory.openConnections();
        client.sql("SELECT 1").fetch().rowsUpdated().block(STEP);
        assertThat(pgConnectionFactory.openConnections()).as("the pool's sessions come from the starter's PgConnectionFactory")
                .isGreaterThanOrEqualTo(Math.max(1, before));
    }

    @Test
    void bootsPoolMetersSeePgconnsPoolAndTheEvictionMeterSharesTheirNameTag() {
        client.sql("SELECT 1").fetch().rowsUpdated().block(STEP);
        // Boot's ConnectionPoolMetricsAutoConfiguration binds r2dbc-pool's own figures for the ConnectionPool bean
        assertThat(meters.get("r2dbc.pool.max.allocated").tag("name", POOL).gauge().value()).isEqualTo(4);
        Connection held = Mono.from(connectionFactory.create()).block(STEP);
        try {
            assertThat(meters.get("r2dbc.pool.acquired").tag("name", POOL).gauge().value()).isEqualTo(1);
            assertThat(meters.get("r2dbc.pool.pending").tag("name", POOL).gauge().value()).isZero();
        } finally {
            Mono.from(held.close()).block(STEP);
        }
        assertThat(meters.get("r2dbc.pool.acquired").tag("name", POOL).gauge().value()).isZero();
        assertThat(meters.get("r2dbc.pool.idle").tag("name", POOL).gauge().value()).isGreaterThanOrEqualTo(1);
        for (String reason : List.of("role", "host-down", "closed", "preferred-role")) {
            assertThat(meters.find("pg.conn.pool.evictions").tags("name", POOL, "reason", reason).functionCounter())
                    .as("pg.conn.pool.evictions{name=%s, reason=%s} from the start", POOL, reason).isNotNull();
        }
        assertThat(meters.find("pg.conn.pool.evictions").meters()).allSatisfy(meter -> assertThat(meter.getId().getTags())
                .extracting(Tag::getKey).containsExactlyInAnyOrder("db.system.name", "name", "reason"));
    }

    @Test
    void evictionsOfClosedSessionsAreCountedOnceEach() {
        client.sql("SELECT 1").fetch().rowsUpdated().block(STEP);
        double before = evictions("closed");
        int heardBefore = listener.closed.get();
        PG.primary().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + StarterCluster.USER + "'");
        awaitCondition("the pool to evict the terminated sessions", STEP, () -> {
            client.sql("SELECT 1").fetch().rowsUpdated().onErrorResume(e -> Mono.empty()).block(STEP);
            return evictions("closed") > before;
        });
        assertThat(client.sql("SELECT 1").fetch().rowsUpdated().block(STEP)).isNotNull();
        // an application's listener hears each eviction once, also after another listener threw; the meter counts each
        // once too (it counted twice)
        int heard = listener.closed.get() - heardBefore;
        assertThat(heard).isPositive();
        assertThat(evictions("closed") - before).isEqualTo(heard);
    }

    /**
     * An application's listener that throws, ordered before the counting one: each listener is told on its own (session
     * 31: the starter told them in one loop, and this one's exception kept the counting one from hearing anything).
     */
    @Order(1)
    static final class ThrowingEvictionListener implements PgConnPoolEvictionListener {
        @Override
        public void evicted(String reason) {
            throw new IllegalStateException("an application's listener that fails");
        }
    }

    /** An application's own eviction listener, next to the starter's count. */
    @Order(2)
    static final class CountingEvictionListener implements PgConnPoolEvictionListener {
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public void evicted(String reason) {
            if ("closed".equals(reason)) {
                closed.incrementAndGet();
            }
        }
    }

    private double evictions(String reason) {
        return meters.get("pg.conn.pool.evictions").tags("name", POOL, "reason", reason).functionCounter().count();
    }

    @Test
    void aRepositorySavesAndFinds() {
        Account saved = repository.save(Account.of("ada", 100)).block(STEP);
        assertThat(saved.id()).isNotNull();
        assertThat(repository.findById(saved.id()).block(STEP)).isEqualTo(saved);
        repository.save(Account.of("grace", 5)).block(STEP);
        assertThat(repository.findByOwner("grace").map(Account::balance).collectList().block(STEP)).containsExactly(5L);
        assertThat(repository.count().block(STEP)).isEqualTo(2);
    }

    @Test
    void transactionalRollsBackOnAnException() {
        assertThatThrownBy(() -> service.openAll(Account.of("ada", 1), Account.of("bob", -1)).block(STEP))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative balance for bob");
        assertThat(repository.count().block(STEP)).as("ada's row was rolled back with bob's").isZero();
        service.openAll(Account.of("ada", 1), Account.of("bob", 2)).block(STEP);
        assertThat(repository.count().block(STEP)).isEqualTo(2);
    }

    /** user3's F0: the server answered COMMIT with ROLLBACK; Spring's commit must fail, not report the work as done. */
    @Test
    void aTransactionWhoseStepFailedFailsAtCommitInsteadOfLosingItsWorkSilently() {
        assertThatThrownBy(() -> service.openIgnoringAFailedStep(Account.of("carol", 5)).block(STEP))
                .isInstanceOf(org.springframework.dao.DataAccessException.class)
                .hasRootCauseInstanceOf(io.pgconn.PgTransactionRolledBackException.class)
                .hasMessageContaining("did not commit");
        assertThat(repository.findByOwner("carol").collectList().block(STEP)).isEmpty();
    }

    @Test
    void databaseClientBindsParameters() {
        client.sql("INSERT INTO account (owner, balance) VALUES (:owner, :balance)")
                .bind("owner", "o'brien").bind("balance", 42L).fetch().rowsUpdated().block(STEP);
        client.sql("INSERT INTO account (owner, balance) VALUES ($1, $2)")
                .bind(0, "lin").bind(1, 7L).fetch().rowsUpdated().block(STEP);
        List<String> owners = client.sql("SELECT owner FROM account WHERE balance >= :min ORDER BY owner")
                .bind("min", 7L).map(row -> row.get("owner", String.class)).all().collectList().block(STEP);
        assertThat(owners).containsExactly("lin", "o'brien");
        Long balance = client.sql("SELECT balance FROM account WHERE owner = :owner").bind("owner", "o'brien")
                .map(row -> row.get(0, Long.class)).one().block(STEP);
        assertThat(balance).isEqualTo(42L);
    }
}
