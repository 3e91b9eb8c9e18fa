package io.pgconn.r2dbc;

import io.pgconn.internal.session.RoundTrips;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Option;
import io.r2dbc.spi.R2dbcRollbackException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.connection.SingleConnectionFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SPI's transaction control that the R2DBC TCK does not reach (REVIEW-20 R2), on a real server:
 * {@code beginTransaction(TransactionDefinition)} with its attributes, the isolation level, the lock wait and
 * statement timeouts, {@code close()} twice — each read back from the server ({@code current_setting}).
 */
class TransactionControlIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-transaction-control", 0).build();

    private static PgConnR2dbcConnectionFactory factory;

    @BeforeAll
    static void factory() {
        factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(R2dbcTestServer.url(PG.primary(), ""));
    }

    @AfterAll
    static void close() {
        factory.close();
    }

    @Test
    void aDefinitionsAttributesHoldForItsTransactionOnly() {
        withConnection(c -> {
            Mono.from(c.beginTransaction(definition(Map.of(TransactionDefinition.ISOLATION_LEVEL, IsolationLevel.SERIALIZABLE,
                    TransactionDefinition.READ_ONLY, true, TransactionSql.DEFERRABLE, true,
                    TransactionDefinition.LOCK_WAIT_TIMEOUT, Duration.ofMillis(1500))))).block(STEP);
            assertThat(c.isAutoCommit()).isFalse();
            assertThat(setting(c, "transaction_isolation")).isEqualTo("serializable");
            assertThat(setting(c, "transaction_read_only")).isEqualTo("on");
            assertThat(setting(c, "transaction_deferrable")).isEqualTo("on");
            assertThat(setting(c, "lock_timeout")).isEqualTo("1500ms");
            Mono.from(c.commitTransaction()).block(STEP);
            assertThat(c.isAutoCommit()).isTrue();
            assertThat(setting(c, "lock_timeout")).as("SET LOCAL: the transaction's only").isEqualTo("0");
            assertThat(setting(c, "transaction_isolation")).isEqualTo("read committed");

            Mono.from(c.beginTransaction(definition(Map.of(TransactionDefinition.READ_ONLY, false)))).block(STEP);
            assertThat(setting(c, "transaction_read_only")).isEqualTo("off");
            Mono.from(c.rollbackTransaction()).block(STEP);
            Mono.from(c.beginTransaction(IsolationLevel.REPEATABLE_READ)).block(STEP);
            assertThat(setting(c, "transaction_isolation")).isEqualTo("repeatable read");
            Mono.from(c.rollbackTransaction()).block(STEP);
        });
    }

    @Test
    void theIsolationLevelSetIsTheNextTransactionsAndTheOneReported() {
        withConnection(c -> {
            assertThat(c.getTransactionIsolationLevel()).isEqualTo(IsolationLevel.READ_COMMITTED);
            Mono.from(c.setTransactionIsolationLevel(IsolationLevel.REPEATABLE_READ)).block(STEP);
            assertThat(c.getTransactionIsolationLevel()).isEqualTo(IsolationLevel.REPEATABLE_READ);
            Mono.from(c.beginTransaction()).block(STEP);
            assertThat(setting(c, "transaction_isolation")).isEqualTo("repeatable read");
            Mono.from(c.commitTransaction()).block(STEP);
            assertThat(setting(c, "default_transaction_isolation")).isEqualTo("repeatable read");
            Mono.from(c.setTransactionIsolationLevel(IsolationLevel.READ_COMMITTED)).block(STEP);
            assertThat(setting(c, "default_transaction_isolation")).isEqualTo("read committed");
            assertThat(c.getTransactionIsolationLevel()).isEqualTo(IsolationLevel.READ_COMMITTED);
        });
    }

    @Test
    void aStatementTimeoutCancelsTheStatementAsATimeoutAndTheConnectionGoesOn() {
        withConnection(c -> {
            Mono.from(c.setStatementTimeout(Duration.ofSeconds(1))).block(STEP);
            assertThat(setting(c, "statement_timeout")).isEqualTo("1s");
            assertThatThrownBy(() -> text(c, "SELECT pg_sleep(5)::text"))
                    .isInstanceOf(R2dbcTimeoutException.class)
                    .satisfies(e -> assertThat(((R2dbcTimeoutException) e).getSqlState()).isEqualTo("57014"));
            Mono.from(c.setStatementTimeout(Duration.ZERO)).block(STEP);
            assertThat(setting(c, "statement_timeout")).as("zero: no timeout").isEqualTo("0");
            assertThat(Mono.from(c.validate(ValidationDepth.REMOTE)).block(STEP)).isTrue();
        });
    }

    /** 55P03 is a rollback exception (Spring: PessimisticLockingFailureException), not the SPI javadoc's timeout (r2dbc.md §2). */
    @Test
    void aLockWaitTimeoutEndsTheWaitForAHeldRowLock() {
        withConnection(holder -> withConnection(waiter -> {
            run(holder, "CREATE TABLE IF NOT EXISTS locked (id int PRIMARY KEY)");
            run(holder, "INSERT INTO locked VALUES (1) ON CONFLICT DO NOTHING");
            Mono.from(holder.beginTransaction()).block(STEP);
            run(holder, "SELECT id FROM locked WHERE id = 1 FOR UPDATE");
            try {
                Mono.from(waiter.setLockWaitTimeout(Duration.ofMillis(200))).block(STEP);
                assertThat(setting(waiter, "lock_timeout")).isEqualTo("200ms");
                assertThatThrownBy(() -> run(waiter, "SELECT id FROM locked WHERE id = 1 FOR UPDATE"))
                        .isInstanceOf(R2dbcRollbackException.class)
                        .satisfies(e -> assertThat(((R2dbcRollbackException) e).getSqlState()).isEqualTo("55P03"));
            } finally {
                Mono.from(holder.rollbackTransaction()).block(STEP);
            }
            run(waiter, "SELECT id FROM locked WHERE id = 1 FOR UPDATE");
        }));
    }

    @Test
    void closeTwiceCompletesTwice() {
        Connection c = Mono.from(factory.create()).block(STEP);
        Mono<Void> close = Mono.from(c.close());
        close.block(STEP);
        close.block(STEP);
        Mono.from(c.close()).block(STEP);
        assertThat(Mono.from(c.validate(ValidationDepth.LOCAL)).block(STEP)).isFalse();
    }

    /**
     * REVIEW-20 R4: with a transaction open — auto-commit off began one with the previous statement — a definition's
     * attributes cannot apply; the work ran at the session's defaults without a word. A plain begin stays a no-op.
     */
    @Test
    void aDefinitionForATransactionAlreadyOpenIsRefused() {
        withConnection(c -> {
            Mono.from(c.setAutoCommit(false)).block(STEP);
            text(c, "SELECT 'work'");
            assertThatThrownBy(() -> Mono.from(c.beginTransaction(IsolationLevel.SERIALIZABLE)).block(STEP))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("SERIALIZABLE").hasMessageContaining("already open");
            assertThatThrownBy(() -> Mono.from(c.beginTransaction(definition(Map.of(TransactionDefinition.LOCK_WAIT_TIMEOUT,
                    Duration.ofSeconds(1))))).block(STEP)).isInstanceOf(IllegalStateException.class).hasMessageContaining("lock");
            Mono.from(c.beginTransaction()).block(STEP);
            Mono.from(c.beginTransaction(definition(Map.of(TransactionDefinition.NAME, "named")))).block(STEP);
            assertThat(setting(c, "transaction_isolation")).isEqualTo("read committed");
            Mono.from(c.rollbackTransaction()).block(STEP);
            Mono.from(c.setAutoCommit(true)).block(STEP);
        });
    }

    /**
     * REVIEW-20 R5: the level reported is the open transaction's — a definition's inside its transaction — and a level
     * set inside a transaction that rolls back is gone, as the server undoes it.
     */
    @Test
    void theIsolationLevelReportedIsTheOpenTransactionsAndOneSetInARolledBackTransactionIsGone() {
        withConnection(c -> {
            Mono.from(c.beginTransaction(IsolationLevel.SERIALIZABLE)).block(STEP);
            assertThat(c.getTransactionIsolationLevel()).isEqualTo(IsolationLevel.SERIALIZABLE);
            Mono.from(c.commitTransaction()).block(STEP);
            assertThat(c.getTransactionIsolationLevel()).isEqualTo(IsolationLevel.READ_COMMITTED);

            Mono.from(c.beginTransaction()).block(STEP);
            Mono.from(c.setTransactionIsolationLevel(IsolationLevel.REPEATABLE_READ)).block(STEP);
            assertThat(c.getTransactionIsolationLevel()).as("the open transaction's").isEqualTo(IsolationLevel.READ_COMMITTED);
            Mono.from(c.rollbackTransaction()).block(STEP);
            assertThat(setting(c, "default_transaction_isolation")).isEqualTo("read committed");
            assertThat(c.getTransactionIsolationLevel()).isEqualTo(IsolationLevel.READ_COMMITTED);

            Mono.from(c.beginTransaction()).block(STEP);
            Mono.from(c.setTransactionIsolationLevel(IsolationLevel.REPEATABLE_READ)).block(STEP);
            Mono.from(c.commitTransaction()).block(STEP);
            assertThat(setting(c, "default_transaction_isolation")).isEqualTo("repeatable read");
            assertThat(c.getTransactionIsolationLevel()).isEqualTo(IsolationLevel.REPEATABLE_READ);
        });
    }

    /**
     * REVIEW-20 R6: the SPI's IllegalArgumentException for a null argument (it was an NPE, and validate(null) ran a
     * REMOTE validation); a negative timeout is refused naming it (it reached the server, a 22023), and a non-zero one
     * under a millisecond is 1 ms (it became 0, PostgreSQL's "no timeout").
     */
    @Test
    void nullOrNegativeArgumentsAreIllegalAndATimeoutUnderAMillisecondIsOne() {
        withConnection(c -> {
            assertThatThrownBy(() -> c.setTransactionIsolationLevel(null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> c.setStatementTimeout(null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> c.setLockWaitTimeout(null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> c.validate(null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> c.setStatementTimeout(Duration.ofMillis(-5))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("PT-0.005S");
            assertThatThrownBy(() -> c.setLockWaitTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("PT-1S");
            assertThatThrownBy(() -> Mono.from(c.beginTransaction(definition(Map.of(TransactionDefinition.LOCK_WAIT_TIMEOUT,
                    Duration.ofMillis(-1))))).block(STEP)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-0.001S");
            // REVIEW-27 R27-4: past PostgreSQL's 2147483647 ms the unawaited set_config would fail the transaction unseen
            assertThatThrownBy(() -> Mono.from(c.beginTransaction(definition(Map.of(TransactionDefinition.LOCK_WAIT_TIMEOUT,
                    Duration.ofDays(30))))).block(STEP)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT720H")
                    .hasMessageContaining("2147483647");
            assertThat(c.isAutoCommit()).isTrue();

            // a statement timeout rounded up where it cannot fire on the statements after it (REVIEW-20 R10: 1 ms
            // cancelled them whenever the backend was off-CPU for a millisecond); the sub-ms case is a lock timeout,
            // which fires only on a lock wait, and ConnConfigFromOptionsTest's option
            Mono.from(c.setStatementTimeout(Duration.ofSeconds(5).plusNanos(500))).block(STEP);
            assertThat(setting(c, "statement_timeout")).isEqualTo("5001ms");
            Mono.from(c.setLockWaitTimeout(Duration.ofNanos(500))).block(STEP);
            assertThat(setting(c, "lock_timeout")).isEqualTo("1ms");
            Mono.from(c.setLockWaitTimeout(Duration.ofMillis(1).plusNanos(1))).block(STEP);
            assertThat(setting(c, "lock_timeout")).isEqualTo("2ms");
            Mono.from(c.beginTransaction(definition(Map.of(TransactionDefinition.LOCK_WAIT_TIMEOUT, Duration.ofNanos(10))))).block(STEP);
            assertThat(setting(c, "lock_timeout")).isEqualTo("1ms");
            Mono.from(c.rollbackTransaction()).block(STEP);
        });
    }

    /**
     * Session 26's plan (NEW-USER-26 F4): beginTransaction()'s BEGIN rides in the Sync group of the transaction's first
     * statement (the core's beginWithFirstStatement), so a one-row read under Spring's TransactionalOperator over
     * R2dbcTransactionManager is two round trips — BEGIN with the SELECT, then COMMIT — as pgjdbc's with auto-commit
     * off; it was three, the BEGIN awaited on its own. A unit that runs nothing sends
     * nothing (it was BEGIN and COMMIT: 2). Spring's {@code timeout} is the definition's lock wait timeout: its
     * set_config carries the BEGIN, then the read, then the COMMIT (3, as the BEGIN; SET LOCAL before). Counted as the
     * ReadyForQuery messages the session reads; the read ran inside the transaction (it sees the definition's level).
     */
    @Test
    void aOneRowReadUnderSpringsTransactionalOperatorIsTwoRoundTrips() {
        withConnection(c -> {
            RoundTrips roundTrips = RoundTrips.on(((PgConnR2dbcConnection) c).pgConnection());
            SingleConnectionFactory single = new SingleConnectionFactory(c, factory.getMetadata(), true);
            R2dbcTransactionManager manager = new R2dbcTransactionManager(single);
            DatabaseClient db = DatabaseClient.create(single);
            DefaultTransactionDefinition serializable = new DefaultTransactionDefinition();
            serializable.setIsolationLevel(org.springframework.transaction.TransactionDefinition.ISOLATION_SERIALIZABLE);
            String level = db.sql("SELECT current_setting('transaction_isolation')").map(row -> row.get(0, String.class)).one()
                    .as(TransactionalOperator.create(manager, serializable)::transactional).block(STEP);
            assertThat(level).as("the read ran in the transaction its BEGIN opened").isEqualTo("serializable");
            assertThat(roundTrips.take()).as("BEGIN+SELECT, COMMIT").isEqualTo(2);

            TransactionalOperator transactional = TransactionalOperator.create(manager);
            assertThat(transactional.transactional(Mono.just("nothing run")).block(STEP)).isEqualTo("nothing run");
            assertThat(roundTrips.take()).as("neither BEGIN nor COMMIT").isZero();

            DefaultTransactionDefinition timed = new DefaultTransactionDefinition();
            timed.setTimeout(7);
            String lockTimeout = db.sql("SELECT current_setting('lock_timeout')").map(row -> row.get(0, String.class)).one()
                    .as(TransactionalOperator.create(manager, timed)::transactional).block(STEP);
            assertThat(lockTimeout).isEqualTo("7s");
            assertThat(roundTrips.take()).as("BEGIN+set_config, SELECT, COMMIT").isEqualTo(3);
            assertThat(setting(c, "lock_timeout")).as("set_config(..., true): the transaction's only").isEqualTo("0");
        });
    }

    /**
     * Auto-commit off (JDBC-style code, jOOQ's R2DBC transactions; Spring's R2dbcTransactionManager 7.0.x never turns it
     * off): each transaction begins with its first statement, the BEGIN in that statement's Sync group as
     * beginTransaction()'s — one round trip; before session 30 a BEGIN went ahead with its own Sync (two ReadyForQuery),
     * its failure unseen. Rollback and commit end it, the next statement begins the next, and auto-commit back on commits
     * the one open.
     */
    @Test
    void withAutoCommitOffEachTransactionBeginsWithItsFirstStatementInOneRoundTrip() {
        withConnection(c -> {
            run(c, "CREATE TEMP TABLE auto_commit_off (id int)");
            RoundTrips roundTrips = RoundTrips.on(((PgConnR2dbcConnection) c).pgConnection());
            Mono.from(c.setAutoCommit(false)).block(STEP);
            assertThat(c.isAutoCommit()).isFalse();
            assertThat(roundTrips.take()).as("setAutoCommit(false) sends nothing").isZero();

            run(c, "INSERT INTO auto_commit_off VALUES (1)");
            assertThat(roundTrips.take()).as("BEGIN+INSERT in one Sync group").isEqualTo(1);
            assertThat(text(c, "SELECT count(*)::text FROM auto_commit_off")).isEqualTo("1");
            Mono.from(c.rollbackTransaction()).block(STEP);
            assertThat(roundTrips.take()).as("the INSERT's transaction: SELECT, ROLLBACK").isEqualTo(2);
            assertThat(c.isAutoCommit()).isFalse();

            assertThat(text(c, "SELECT count(*)::text FROM auto_commit_off")).as("the insert rolled back").isEqualTo("0");
            run(c, "INSERT INTO auto_commit_off VALUES (2)");
            Mono.from(c.commitTransaction()).block(STEP);
            assertThat(roundTrips.take()).as("BEGIN+SELECT, INSERT, COMMIT").isEqualTo(3);

            run(c, "INSERT INTO auto_commit_off VALUES (3)");
            assertThat(setting(c, "transaction_isolation")).isEqualTo("read committed");
            Mono.from(c.setAutoCommit(true)).block(STEP);
            assertThat(c.isAutoCommit()).isTrue();
            assertThat(roundTrips.take()).as("BEGIN+INSERT, SELECT, COMMIT").isEqualTo(3);
            run(c, "INSERT INTO auto_commit_off VALUES (4)");
            Mono.from(c.rollbackTransaction()).block(STEP); // auto-commit on, nothing open: a no-op
            assertThat(text(c, "SELECT string_agg(id::text, ',' ORDER BY id) FROM auto_commit_off"))
                    .as("2 and 3 committed, 4 autocommitted").isEqualTo("2,3,4");
        });
    }

    private interface ConnectionWork {
        void run(Connection c);
    }

    private static void withConnection(ConnectionWork work) {
        Connection c = Mono.from(factory.create()).block(STEP);
        try {
            work.run(c);
        } finally {
            Mono.from(c.close()).block(STEP);
        }
    }

    private static String setting(Connection c, String name) {
        return text(c, "SELECT current_setting('" + name + "')");
    }

    /** The last row's first column, as text. */
    private static String text(Connection c, String sql) {
        return Flux.from(c.createStatement(sql).execute()).flatMap(r -> r.map((row, meta) -> row.get(0, String.class))).blockLast(STEP);
    }

    private static void run(Connection c, String sql) {
        Flux.from(c.createStatement(sql).execute()).flatMap(r -> r.getRowsUpdated()).blockLast(STEP);
    }

    static TransactionDefinition definition(Map<Option<?>, Object> attributes) {
        return new TransactionDefinition() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> T getAttribute(Option<T> option) {
                return (T) attributes.get(option);
            }
        };
    }
}
