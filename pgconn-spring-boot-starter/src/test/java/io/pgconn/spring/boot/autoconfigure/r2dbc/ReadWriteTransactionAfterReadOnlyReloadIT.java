package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.HostStatus;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A primary turned read-only by its configuration ({@code ALTER SYSTEM SET default_transaction_read_only = on} and
 * {@code pg_reload_conf()}, no restart: the first step of a switchover, NEW-USER-31 drill D) while the starter's pool
 * ({@code target-session-attrs=read-write}) holds idle sessions to it, and a Spring {@code @Transactional} write —
 * {@code R2dbcTransactionManager}, which begins {@code BEGIN READ WRITE} ({@code READ_ONLY} false in its definition) —
 * lent one of them. PostgreSQL applies the reload to an idle session only when its next message arrives, and reports
 * the new {@code default_transaction_read_only} (a {@code GUC_REPORT} parameter since PostgreSQL 14, as
 * {@code in_hot_standby}) just before that message group's ReadyForQuery: so the transaction's {@code BEGIN READ WRITE}
 * and first statement run after the reload — {@code READ WRITE} overrides the default, the server takes the write — and
 * the session hears the change with their answer, before anything else of the transaction is written.
 *
 * <p>What pgconn does (docs/r2dbc.md §4): the transaction is not committed there. The statements behind the first are
 * refused unsent, a commit is refused and its transaction rolled back ({@code PgTransactionRolledBackException}, 25P02,
 * naming the setting), so the unit fails and nothing it wrote stays on the read-only server; the session's report
 * reaches the factory's host memory, so the pool's other idle session is evicted for {@code role} unlent and the next
 * unit fails to get a session (no read-write host) rather than write there. Before (session 32's base), the first
 * unit committed its row on the read-only server and reported success — what r2dbc-postgresql did ~7,300 times in the
 * drill, for every unit, as its pool never learns; pgconn's drills wrote 0 only because a session in use heard the
 * reload first (a unit under way finished its transaction, begun before the reload) and the eviction then dropped the
 * idle ones before they were lent. The starter's health monitor is off here: the session alone must tell.
 */
@SpringBootTest(classes = R2dbcTestApplication.class, webEnvironment = WebEnvironment.NONE, properties = {
        "pg.conn.database=" + StarterCluster.USER, "pg.conn.username=" + StarterCluster.USER,
        "pg.conn.password=" + StarterCluster.PASSWORD, "pg.conn.ssl.mode=disable", "pg.conn.extension-types=",
        "pg.conn.target-session-attrs=read-write", "pg.conn.startup-check=none",
        "pg.conn.pool.initial-size=2", "pg.conn.pool.max-size=2", "pg.conn.pool.max-acquire-time=2s",
        "management.health.pgconn.enabled=false" })
class ReadWriteTransactionAfterReadOnlyReloadIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.builder("starter-rw-after-ro-reload")
            .initSql("CREATE DATABASE " + StarterCluster.USER + " OWNER " + StarterCluster.USER)
            .build();

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        registry.add("pg.conn.hosts", () -> StarterCluster.label(PG.primary()));
    }

    @Autowired
    private DatabaseClient client;

    @Autowired
    private ConnectionFactory pool;

    @Autowired
    private PgConnectionFactory pgConnectionFactory;

    @Autowired
    private ReactiveTransactionManager transactionManager;

    @Test
    void aReadWriteTransactionBegunAfterTheReloadCommitsNothingOnTheReadOnlyServer() {
        PgServer primary = PG.primary();
        client.sql("CREATE TABLE orders (n int, ro text)").then().block(STEP);
        TransactionalOperator transactional = TransactionalOperator.create(transactionManager);
        try {
            // a unit of one statement: its COMMIT is what is refused
            AtomicReference<String> readOnlyInside = new AtomicReference<>();
            Throwable single = afterReload(primary, transactional.transactional(insert(1, readOnlyInside)).then());
            assertThat(readOnlyInside).as("Spring's BEGIN READ WRITE ran after the reload and overrode the default: "
                    + "the server took the write").hasValue("off");
            assertNotCommittedThere(primary, single);

            readWriteAgain(primary);

            // a unit of two statements, as NEW-USER-31's: the second is refused unsent, Spring rolls back
            AtomicReference<String> readOnlyInFirst = new AtomicReference<>();
            AtomicReference<Integer> second = new AtomicReference<>();
            Throwable two = afterReload(primary, transactional.transactional(insert(2, readOnlyInFirst)
                    .then(client.sql("SELECT 2 AS n").map(r -> r.get("n", Integer.class)).one().doOnNext(second::set))).then());
            assertThat(readOnlyInFirst).hasValue("off");
            assertThat(second.get()).as("the statement behind the first was not run").isNull();
            assertNotCommittedThere(primary, two);
        } finally {
            readWriteAgain(primary);
        }
    }

    /** Two idle pooled sessions to {@code primary}, then the reload to read-only, then {@code unit}: what it failed with. */
    private Throwable afterReload(PgServer primary, Mono<Void> unit) {
        List<Connection> idle = Flux.range(0, 2).flatMap(i -> Mono.<Connection>from(pool.create())).collectList().block(STEP);
        assertThat(idle).hasSize(2);
        Flux.fromIterable(idle).concatMap(Connection::close).then().block(STEP);
        assertThat(roleRemembered()).as("host memory before the reload").isEqualTo(ServerRole.PRIMARY);

        primary.execute("ALTER SYSTEM SET default_transaction_read_only = on");
        primary.execute("SELECT pg_reload_conf()");
        // a new session sees it once the postmaster has reloaded, which signals every backend in the same step
        awaitCondition("the server to report default_transaction_read_only=on to new sessions", STEP,
                () -> "on".equals(primary.queryValue("SHOW default_transaction_read_only")));

        Throwable failure = unit.then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(STEP);
        System.out.println("unit lent a session after the reload: " + (failure == null ? "completed" : failure)
                + "; rows on the read-only server: " + primary.queryValue(StarterCluster.USER, "SELECT count(*) FROM orders"));
        return failure;
    }

    /** {@code INSERT ... RETURNING} the transaction's own {@code transaction_read_only}, into {@code readOnly}. */
    private Mono<Void> insert(int n, AtomicReference<String> readOnly) {
        return client.sql("INSERT INTO orders VALUES ($1, current_setting('transaction_read_only')) RETURNING ro")
                .bind(0, n).map(r -> r.get("ro", String.class)).one().doOnNext(readOnly::set).then();
    }

    private void assertNotCommittedThere(PgServer primary, Throwable unitFailure) {
        assertThat(unitFailure).as("the unit fails: its transaction was rolled back").isNotNull();
        assertThat(unitFailure).as("a failover-like condition: retryable (session 33)")
                .isInstanceOf(org.springframework.dao.TransientDataAccessResourceException.class);
        assertThat(rootCause(unitFailure)).isInstanceOf(io.pgconn.PgServerTurnedReadOnlyException.class)
                .hasMessageContaining("default_transaction_read_only").hasMessageContaining(StarterCluster.label(primary));
        assertThat(primary.queryValue(StarterCluster.USER, "SELECT count(*) FROM orders"))
                .as("nothing committed on the read-only server").isEqualTo("0");
        assertThat(roleRemembered()).as("the lent session told host memory").isEqualTo(ServerRole.READ_ONLY_PRIMARY);

        // the pool's other idle session is not lent there: evicted for its role, and no read-write host is left
        Throwable next = transactional().transactional(insert(9, new AtomicReference<>())).then(Mono.<Throwable>empty())
                .onErrorResume(Mono::just).block(STEP);
        assertThat(next).as("the next unit gets no session to the read-only server").isNotNull();
        assertThat(primary.queryValue(StarterCluster.USER, "SELECT count(*) FROM orders")).isEqualTo("0");
        awaitCondition("every pooled session to the read-only server closed", STEP, () -> "0".equals(
                primary.queryValue("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + StarterCluster.USER + "'")));
    }

    private TransactionalOperator transactional() {
        return TransactionalOperator.create(transactionManager);
    }

    /** The server read-write again and host memory told so (a new connect through the factory). */
    private void readWriteAgain(PgServer primary) {
        primary.execute("ALTER SYSTEM RESET default_transaction_read_only");
        primary.execute("SELECT pg_reload_conf()");
        awaitCondition("the server read-write again for new sessions", STEP,
                () -> "off".equals(primary.queryValue("SHOW default_transaction_read_only")));
        awaitCondition("the pool to lend a session to the primary again", STEP,
                () -> client.sql("SELECT 1").fetch().rowsUpdated().thenReturn(true).onErrorReturn(false).block(STEP));
        assertThat(roleRemembered()).isEqualTo(ServerRole.PRIMARY);
    }

    private ServerRole roleRemembered() {
        return pgConnectionFactory.hostStatuses().stream().map(HostStatus::role).findFirst().orElseThrow();
    }

    private static Throwable rootCause(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
