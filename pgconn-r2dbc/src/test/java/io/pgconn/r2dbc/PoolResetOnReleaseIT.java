package io.pgconn.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.ValidationDepth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * NEW-USER-26 F3: session state one borrower sets passes to the next borrower of the pooled session — with RLS keyed on
 * a setting, the next request reads the previous tenant's rows — unless the pool resets it on release
 * ({@link PgConnPools.Builder#resetOnRelease}). Each pool has one session, so the next borrower gets the same one (its
 * backend pid checked).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PoolResetOnReleaseIT {

    private static final Duration STEP = Duration.ofSeconds(30);
    /** How many statements of {@link #parameterized}'s text the session has prepared. */
    private static final String PREPARED = "SELECT count(*)::text FROM pg_prepared_statements WHERE statement = 'SELECT $1::int::text'";

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-reset-on-release", 0).build();

    private PgConnectionFactory core;
    private final List<PgConnConnectionPool> pools = new ArrayList<>();

    @BeforeEach
    void openCore() {
        core = PoolLeaseChecks.coreFactory(PG);
    }

    @AfterEach
    void closePools() {
        try {
            pools.forEach(pool -> pool.disposeLater().block(STEP));
        } finally {
            core.close();
        }
    }

    private PgConnConnectionPool pool(String resetOnRelease) {
        PgConnConnectionPool pool = PgConnPools.over(core).initialSize(0).maxSize(1).maxAcquireTime(STEP)
                .resetOnRelease(resetOnRelease).build();
        pools.add(pool);
        return pool;
    }

    @Test
    void withoutAResetATenantSettingPassesToTheNextBorrower() {
        PgConnConnectionPool pool = pool(null);
        String pid = borrow(pool, c -> {
            value(c, "SELECT set_config('app.tenant', 't01', false)");
            return value(c, "SELECT pg_backend_pid()::text");
        });
        assertThat(borrow(pool, c -> value(c, "SELECT pg_backend_pid()::text"))).as("the same session").isEqualTo(pid);
        assertThat(borrow(pool, c -> value(c, "SELECT current_setting('app.tenant', true)")))
                .as("the previous borrower's tenant").isEqualTo("t01");
    }

    @Test
    void resetAllPutsEverySettingAndTheTrackedIsolationLevelBack() {
        PgConnConnectionPool pool = pool(PgConnPools.RESET_ALL);
        String pid = borrow(pool, c -> {
            value(c, "SELECT set_config('app.tenant', 't01', false)");
            Mono.from(c.setStatementTimeout(Duration.ofMillis(1234))).block(STEP);
            Mono.from(c.setTransactionIsolationLevel(IsolationLevel.SERIALIZABLE)).block(STEP);
            return value(c, "SELECT pg_backend_pid()::text");
        });
        borrow(pool, c -> {
            assertThat(value(c, "SELECT pg_backend_pid()::text")).as("the same session").isEqualTo(pid);
            assertThat(value(c, "SELECT current_setting('app.tenant', true)")).as("no tenant left").isNullOrEmpty();
            assertThat(value(c, "SHOW statement_timeout")).isEqualTo("0");
            assertThat(value(c, "SHOW default_transaction_isolation")).isEqualTo("read committed");
            assertThat(c.getTransactionIsolationLevel()).as("the level the connection reports follows the reset")
                    .isEqualTo(IsolationLevel.READ_COMMITTED);
            return null;
        });
    }

    @Test
    void discardAllAlsoDropsTemporaryTablesAndPreparedStatementsAndTheStatementCacheFollows() {
        PgConnConnectionPool pool = pool(PgConnPools.DISCARD_ALL);
        String pid = borrow(pool, c -> {
            value(c, "CREATE TEMP TABLE reset_tmp (x int)");
            value(c, "SELECT set_config('app.tenant', 't02', false)");
            for (int i = 0; i < 3; i++) { // prepared and cached by the core
                assertThat(parameterized(c, 7)).isEqualTo("7");
            }
            assertThat(value(c, PREPARED)).as("the statement prepared on the session").isEqualTo("1");
            return value(c, "SELECT pg_backend_pid()::text");
        });
        borrow(pool, c -> {
            assertThat(value(c, "SELECT pg_backend_pid()::text")).as("the same session").isEqualTo(pid);
            assertThat(value(c, "SELECT coalesce(to_regclass('pg_temp.reset_tmp')::text, 'gone')")).isEqualTo("gone");
            assertThat(value(c, "SELECT current_setting('app.tenant', true)")).isNullOrEmpty();
            assertThat(value(c, PREPARED)).as("DISCARD ALL deallocated it").isEqualTo("0");
            assertThat(parameterized(c, 8)).as("the cached statement prepared again").isEqualTo("8");
            return null;
        });
    }

    @Test
    void onlyALendThatSentSomethingIsReset() {
        // the reset clears the tenant and counts itself in a setting it leaves in place: how many releases ran it
        PgConnConnectionPool pool = pool("SELECT set_config('app.tenant', '', false), set_config('app.resets',"
                + " (coalesce(nullif(current_setting('app.resets', true), ''), '0')::int + 1)::text, false)");
        String pid = borrow(pool, c -> value(c, "SELECT pg_backend_pid()::text")); // a statement: reset (1)
        borrow(pool, c -> { // nothing sent for the borrower: local answers and the pool's kind of validation
            assertThat(c.isAutoCommit()).isTrue();
            assertThat(c.getTransactionIsolationLevel()).isEqualTo(IsolationLevel.READ_COMMITTED);
            assertThat(Mono.from(c.validate(ValidationDepth.REMOTE)).block(STEP)).isTrue();
            assertThat(PgConnUnwrap.sessionHost(c)).as("where the session is, read without using it")
                    .hasValueSatisfying(host -> assertThat(host.label()).isEqualTo("127.0.0.1:" + PG.primary().port()));
            return null;
        });
        borrow(pool, c -> null); // borrowed and closed
        borrow(pool, c -> { // a setting through the SPI: reset (2)
            Mono.from(c.setStatementTimeout(Duration.ofSeconds(5))).block(STEP);
            return null;
        });
        borrow(pool, c -> { // the core connection handed out, used out of the connection's sight: reset (3)
            PgConnUnwrap.pgConnection(c).query("SELECT set_config('app.tenant', 't03', false)").join();
            return null;
        });
        assertThat(borrow(pool, c -> value(c, "SELECT pg_backend_pid()::text || ' ' || current_setting('app.resets', true)"
                + " || ' ' || coalesce(current_setting('app.tenant', true), '')")))
                .as("the same session, reset after the three lends that sent something (the last one's tenant reset)")
                .isEqualTo(pid + " 3 ");
    }

    @Test
    void theUrlOptionResetsAPoolMadeFromR2dbcPoolsUrl() {
        // r2dbc-pool's own URL route: ConnectionFactories makes its pool over the driver factory the URL's options make
        ConnectionPool pool = (ConnectionPool) ConnectionFactories.get("r2dbc:pool:pgconn://" + R2dbcTestServer.USER + ":"
                + R2dbcTestServer.PASSWORD + "@127.0.0.1:" + PG.primary().port() + "/" + R2dbcTestServer.DATABASE
                + "?sslmode=disable&initialSize=1&maxSize=1&resetOnRelease=RESET_ALL");
        try {
            String pid = borrow(pool, c -> {
                value(c, "SELECT set_config('app.tenant', 't04', false)");
                return value(c, "SELECT pg_backend_pid()::text");
            });
            assertThat(borrow(pool, c -> value(c, "SELECT pg_backend_pid()::text || ' ' || coalesce(current_setting('app.tenant', true), '')")))
                    .as("the same session, its tenant reset").isEqualTo(pid + " ");
        } finally {
            pool.disposeLater().block(STEP);
        }
    }

    @Test
    void aResetThatFailsClosesItsSessionAndThePoolLendsAnother() {
        PgConnConnectionPool pool = pool("RESET no_such_setting_f3");
        String pid = borrow(pool, c -> value(c, "SELECT pg_backend_pid()::text"));
        assertThat(borrow(pool, c -> value(c, "SELECT pg_backend_pid()::text"))).as("a new session").isNotEqualTo(pid);
    }

    private interface Work {
        String run(Connection connection);
    }

    /** {@code work} on a connection of {@code pool}, closed after it (a failed release's error is the pool's). */
    private static String borrow(ConnectionFactory pool, Work work) {
        Connection connection = Mono.from(pool.create()).block(STEP);
        try {
            return work.run(connection);
        } finally {
            Mono.from(connection.close()).onErrorResume(error -> Mono.empty()).block(STEP);
        }
    }

    /** The first column of the last row of {@code sql}, SQL NULL as an empty string; null when no row came. */
    private static String value(Connection connection, String sql) {
        return Flux.from(connection.createStatement(sql).execute())
                .flatMap(result -> result.map(row -> Optional.ofNullable(row.get(0, String.class)).orElse(""))).blockLast(STEP);
    }

    private static String parameterized(Connection connection, int value) {
        return Flux.from(connection.createStatement("SELECT $1::int::text").bind(0, value).execute())
                .flatMap(result -> result.map(row -> row.get(0, String.class))).blockLast(STEP);
    }
}
