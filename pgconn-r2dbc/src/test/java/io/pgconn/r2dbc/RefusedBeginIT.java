package io.pgconn.r2dbc;

import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.TransactionDefinition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.dao.DataAccessException;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * beginTransaction()'s {@code BEGIN} rides in the Sync group of the transaction's first statement (docs/r2dbc.md §3), so
 * one the server refuses — {@code BEGIN READ WRITE} on a hot standby, 0A000 "cannot set transaction read-write mode
 * during recovery" — fails that statement, not beginTransaction(): with the BEGIN's error, as does every later
 * statement of the transaction, unsent (nothing of it runs autocommitted). The transaction stays open (failed) until
 * its rollback, which sends nothing and completes; a commit fails with the BEGIN's error. A pooled connection released
 * so is clean for the next borrower. Under Spring's R2dbcTransactionManager, which passes {@code READ_ONLY} false in
 * every definition, it is the statement's error (it was the begin's CannotCreateTransactionException): on the code
 * before, beginTransaction() sent the BEGIN on its own and failed itself.
 */
class RefusedBeginIT {

    private static final Duration STEP = Duration.ofSeconds(30);
    private static final TransactionDefinition READ_WRITE = TransactionControlIT.definition(Map.of(TransactionDefinition.READ_ONLY, false));

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-refused-begin", 1).build();

    private static PgConnR2dbcConnectionFactory standby;

    @BeforeAll
    static void factory() {
        standby = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(R2dbcTestServer.url(PG.standby(0), ""));
    }

    @AfterAll
    static void close() {
        standby.close();
    }

    @Test
    void aBeginTheStandbyRefusesFailsTheFirstStatementAndEveryLaterOneAndTheRollbackCompletes() {
        Connection c = Mono.from(standby.create()).block(STEP);
        try {
            Mono.from(c.beginTransaction(READ_WRITE)).block(STEP);
            assertThat(c.isAutoCommit()).as("open from the call on").isFalse();
            assertRefusedBegin(catchThrowable(() -> text(c, "SELECT 'first'")));
            assertRefusedBegin(catchThrowable(() -> text(c, "SELECT 'second'")));
            assertThat(c.isAutoCommit()).as("the failed transaction is open until its rollback").isFalse();
            Mono.from(c.rollbackTransaction()).block(STEP);
            assertThat(c.isAutoCommit()).isTrue();
            assertThat(text(c, "SELECT 'after'")).isEqualTo("after");

            Mono.from(c.beginTransaction(READ_WRITE)).block(STEP);
            assertRefusedBegin(catchThrowable(() -> text(c, "SELECT 'first'")));
            assertRefusedBegin(catchThrowable(() -> Mono.from(c.commitTransaction()).block(STEP)));
            assertThat(c.isAutoCommit()).as("the commit ended it").isTrue();

            Mono.from(c.beginTransaction(TransactionControlIT.definition(Map.of(TransactionDefinition.READ_ONLY, true)))).block(STEP);
            assertThat(text(c, "SELECT current_setting('transaction_read_only')")).isEqualTo("on");
            Mono.from(c.commitTransaction()).block(STEP);
            assertThat(c.isAutoCommit()).isTrue();
        } finally {
            Mono.from(c.close()).block(STEP);
        }
    }

    /** Released with the refused transaction open (no rollback of the borrower's): the release ends it, sending nothing. */
    @Test
    void aPooledConnectionReleasedWithARefusedBeginServesTheNextBorrower() {
        ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(standby).initialSize(0).maxSize(1).build());
        try {
            Connection first = pool.create().block(STEP);
            int pid = PgConnUnwrap.pgConnection(first).processId();
            Mono.from(first.beginTransaction(READ_WRITE)).block(STEP);
            assertRefusedBegin(catchThrowable(() -> text(first, "SELECT 'first'")));
            Mono.from(first.close()).block(STEP);

            Connection next = pool.create().block(STEP);
            assertThat(PgConnUnwrap.pgConnection(next).processId()).as("the same session, kept").isEqualTo(pid);
            assertThat(next.isAutoCommit()).isTrue();
            assertThat(text(next, "SELECT 'next'")).isEqualTo("next");
            Mono.from(next.close()).block(STEP);
        } finally {
            pool.disposeLater().block(STEP);
        }
    }

    @Test
    void underSpringsTransactionManagerItIsTheFirstStatementsError() {
        TransactionalOperator transactional = TransactionalOperator.create(new R2dbcTransactionManager(standby));
        Mono<String> read = DatabaseClient.create(standby).sql("SELECT 'read'").map(row -> row.get(0, String.class)).one();
        Throwable error = catchThrowable(() -> read.as(transactional::transactional).block(STEP));
        assertThat(error).as("not a CannotCreateTransactionException").isInstanceOf(DataAccessException.class)
                .hasMessageContaining("SELECT 'read'");
        assertRefusedBegin(error.getCause());
    }

    private static void assertRefusedBegin(Throwable error) {
        assertThat(error).isInstanceOf(R2dbcException.class).hasMessageContaining("read-write")
                .satisfies(e -> assertThat(((R2dbcException) e).getSqlState()).isEqualTo("0A000"));
    }

    /** The last row's first column, as text. */
    private static String text(Connection c, String sql) {
        return Flux.from(c.createStatement(sql).execute()).flatMap(r -> r.map((row, meta) -> row.get(0, String.class))).blockLast(STEP);
    }
}
