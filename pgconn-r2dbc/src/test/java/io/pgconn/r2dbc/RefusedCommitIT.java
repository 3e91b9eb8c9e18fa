package io.pgconn.r2dbc;

import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * REVIEW-9 F1: PostgreSQL ends the transaction block whatever it answers a COMMIT — a COMMIT refused
 * with an ERROR (a deferred constraint here; a serialization failure at commit is the same) leaves the
 * session idle. The connection follows the server's ReadyForQuery status, not command tags, so after a
 * refused COMMIT (through {@code commitTransaction()}, {@code setAutoCommit(true)}, a statement, a
 * script), a failed PREPARE TRANSACTION or a COMMIT AND CHAIN it knows whether a transaction is open:
 * the next {@code beginTransaction()} begins one (it was a no-op, and its statements auto-committed).
 */
class RefusedCommitIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-refused-commit", 0).build();

    private PgConnR2dbcConnectionFactory factory;
    private Connection c;

    @BeforeEach
    void connect() {
        factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(R2dbcTestServer.url(PG.primary(), ""));
        c = Mono.from(factory.create()).block(STEP);
        run("DROP TABLE IF EXISTS deferred_u");
        run("CREATE TABLE deferred_u (n int UNIQUE DEFERRABLE INITIALLY DEFERRED)");
    }

    @AfterEach
    void close() {
        Mono.from(c.close()).block(STEP);
        factory.close();
    }

    @Test
    void aCommitTheServerRefusesEndsTheTransactionSoTheNextOneIsATransactionAgain() {
        Mono.from(c.beginTransaction()).block(STEP);
        insertTwice(1);
        assertThatThrownBy(() -> Mono.from(c.commitTransaction()).block(STEP))
                .isInstanceOf(R2dbcDataIntegrityViolationException.class);
        assertThat(c.isAutoCommit()).as("isAutoCommit() after a refused COMMIT (the server is idle)").isTrue();

        assertTheNextTransactionRollsBack();
    }

    @Test
    void withAutoCommitOffTheStatementAfterARefusedCommitRunsInATransaction() {
        Mono.from(c.setAutoCommit(false)).block(STEP);
        insertTwice(1);
        assertThatThrownBy(() -> Mono.from(c.commitTransaction()).block(STEP))
                .isInstanceOf(R2dbcDataIntegrityViolationException.class);
        assertThat(c.isAutoCommit()).isFalse();

        run("INSERT INTO deferred_u VALUES (2)");
        Mono.from(c.rollbackTransaction()).block(STEP);
        Mono.from(c.setAutoCommit(true)).block(STEP);
        assertThat(count()).as("rows left after INSERT 2; rollbackTransaction() with auto-commit off, following a refused COMMIT").isZero();
    }

    @Test
    void aSetAutoCommitTrueWhoseCommitTheServerRefusesLeavesAutoCommitOn() {
        Mono.from(c.setAutoCommit(false)).block(STEP);
        insertTwice(1);
        assertThatThrownBy(() -> Mono.from(c.setAutoCommit(true)).block(STEP))
                .isInstanceOf(R2dbcDataIntegrityViolationException.class);
        assertThat(c.isAutoCommit()).as("isAutoCommit() after setAutoCommit(true) whose COMMIT was refused").isTrue();

        assertTheNextTransactionRollsBack();
    }

    @Test
    void aCommitStatementTheServerRefusesEndsTheTransaction() {
        Mono.from(c.beginTransaction()).block(STEP);
        insertTwice(1);
        assertThatThrownBy(() -> run("COMMIT")).isInstanceOf(R2dbcDataIntegrityViolationException.class);
        assertThat(c.isAutoCommit()).as("isAutoCommit() after createStatement(\"COMMIT\") was refused").isTrue();

        assertTheNextTransactionRollsBack();
    }

    @Test
    void aScriptWhoseCommitTheServerRefusesLeavesNoTransactionOpen() {
        assertThatThrownBy(() -> run("BEGIN; INSERT INTO deferred_u VALUES (1); INSERT INTO deferred_u VALUES (1); COMMIT"))
                .isInstanceOf(R2dbcDataIntegrityViolationException.class);
        assertThat(c.isAutoCommit()).as("isAutoCommit() after a script's BEGIN ... COMMIT whose COMMIT was refused").isTrue();

        assertTheNextTransactionRollsBack();
    }

    @Test
    void aPrepareTransactionTheServerRefusesEndsTheTransaction() {
        Mono.from(c.beginTransaction()).block(STEP);
        run("INSERT INTO deferred_u VALUES (1)");
        // max_prepared_transactions is 0 (PostgreSQL's default): refused, and the transaction is rolled back
        assertThatThrownBy(() -> run("PREPARE TRANSACTION 'refused'")).isInstanceOf(R2dbcException.class)
                .hasMessageContaining("prepared transactions are disabled");
        assertThat(c.isAutoCommit()).as("isAutoCommit() after a refused PREPARE TRANSACTION").isTrue();

        assertTheNextTransactionRollsBack();
    }

    @Test
    void aCommitAndChainKeepsATransactionOpen() {
        Mono.from(c.beginTransaction()).block(STEP);
        run("INSERT INTO deferred_u VALUES (1)");
        run("COMMIT AND CHAIN");
        assertThat(c.isAutoCommit()).as("isAutoCommit() after COMMIT AND CHAIN (a new transaction is open)").isFalse();

        run("INSERT INTO deferred_u VALUES (2)");
        Mono.from(c.rollbackTransaction()).block(STEP);
        assertThat(c.isAutoCommit()).isTrue();
        assertThat(count()).as("rows after COMMIT AND CHAIN of 1, then INSERT 2; rollbackTransaction()").isOne();
    }

    /** The same through Spring's R2dbcTransactionManager over r2dbc-pool (one connection, reused). */
    @Test
    void throughSpringsTransactionManagerTheNextTransactionIsATransactionAfterARefusedCommit() {
        ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(factory).initialSize(1).maxSize(1).build());
        try {
            TransactionalOperator tx = TransactionalOperator.create(new R2dbcTransactionManager(pool));
            DatabaseClient db = DatabaseClient.create(pool);
            assertThatThrownBy(() -> tx.transactional(db.sql("INSERT INTO deferred_u VALUES (1)").then()
                    .then(db.sql("INSERT INTO deferred_u VALUES (1)").then())).block(STEP))
                    .isInstanceOf(org.springframework.dao.DataIntegrityViolationException.class);
            assertThatThrownBy(() -> tx.transactional(db.sql("INSERT INTO deferred_u VALUES (2)").then()
                    .then(Mono.error(new IllegalStateException("roll back")))).block(STEP))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(db.sql("SELECT count(*) FROM deferred_u").map(row -> row.get(0, Long.class)).one().block(STEP))
                    .as("rows left after a rolled-back Spring transaction that followed a refused COMMIT on the pooled connection")
                    .isZero();
        } finally {
            pool.dispose();
        }
    }

    private void insertTwice(int n) {
        run("INSERT INTO deferred_u VALUES (" + n + ")");
        run("INSERT INTO deferred_u VALUES (" + n + ")"); // the deferred unique check fails at COMMIT
    }

    /** The server is outside any transaction: beginTransaction() must begin one, so its rollback undoes its insert. */
    private void assertTheNextTransactionRollsBack() {
        Mono.from(c.beginTransaction()).block(STEP);
        run("INSERT INTO deferred_u VALUES (2)");
        Mono.from(c.rollbackTransaction()).block(STEP);
        assertThat(count()).as("rows left after beginTransaction(); INSERT 2; rollbackTransaction() following the refused COMMIT").isZero();
    }

    private long count() {
        return Mono.from(c.createStatement("SELECT count(*) FROM deferred_u").execute())
                .flatMapMany(r -> r.map((row, meta) -> row.get(0, Long.class))).blockLast(STEP);
    }

    private void run(String sql) {
        Flux.from(c.createStatement(sql).execute()).flatMap(r -> r.getRowsUpdated()).blockLast(STEP);
    }
}
