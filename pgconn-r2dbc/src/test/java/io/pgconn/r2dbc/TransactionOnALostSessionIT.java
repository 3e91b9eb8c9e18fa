package io.pgconn.r2dbc;

import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.R2dbcTransientResourceException;
import io.r2dbc.spi.ValidationDepth;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Publisher;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * New user's F2: a transaction whose session died. Its rollback completes quietly — the server has
 * rolled the transaction back (a session that ended cannot commit) — so under Spring's
 * {@code @Transactional} the statement's own error reaches the caller instead of the rollback's
 * "connection closed", which Spring throws in its place. A commit still fails.
 */
class TransactionOnALostSessionIT {

    private static final Duration STEP = Duration.ofSeconds(20);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-lost-transaction", 0).build();

    private static PgConnR2dbcConnectionFactory factory() {
        return (PgConnR2dbcConnectionFactory) ConnectionFactories.get(R2dbcTestServer.url(PG.primary(), ""));
    }

    @BeforeAll
    static void table() {
        try (PgConnR2dbcConnectionFactory factory = factory()) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            rowsOf(connection, "CREATE TABLE lost_work (id int)");
            Mono.from(connection.close()).block(STEP);
        }
    }

    @Test
    void aRollbackAfterTheServerTerminatedTheSessionCompletesQuietly() {
        try (PgConnR2dbcConnectionFactory factory = factory()) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            Mono.from(connection.beginTransaction()).block(STEP);
            rowsOf(connection, "INSERT INTO lost_work VALUES (1)");
            terminate(connection);
            awaitCondition("the client to see the session closed", STEP,
                    () -> !Mono.from(connection.validate(ValidationDepth.LOCAL)).block(STEP));

            assertThat(Mono.from(connection.rollbackTransaction()).materialize().block(STEP).isOnComplete()).isTrue();
            assertThat(connection.isAutoCommit()).as("no transaction is left open").isTrue();
            Mono.from(connection.close()).block(STEP);
            assertThat(committedRows()).isZero();
        }
    }

    /** The ROLLBACK may be sent before the client read the server's FATAL: it completes quietly too. */
    @RepeatedTest(10)
    void aRollbackSentRightAfterTheTerminationCompletesQuietly() {
        try (PgConnR2dbcConnectionFactory factory = factory()) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            Mono.from(connection.beginTransaction()).block(STEP);
            rowsOf(connection, "SELECT 1"); // the BEGIN went with it: the ROLLBACK is sent
            terminate(connection);
            assertThat(Mono.from(connection.rollbackTransaction()).materialize().block(STEP).isOnComplete()).isTrue();
            Mono.from(connection.close()).block(STEP);
        }
    }

    /**
     * A commit on a session that died must fail: nothing was committed, the COMMIT never left the client, so
     * a retry on a new session is safe — transient, not the unknown outcome of a COMMIT whose answer was
     * lost ({@link CommitOutcomeUnknownIT}).
     */
    @Test
    void aCommitAfterTheServerTerminatedTheSessionFails() {
        try (PgConnR2dbcConnectionFactory factory = factory()) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            Mono.from(connection.beginTransaction()).block(STEP);
            rowsOf(connection, "INSERT INTO lost_work VALUES (2)");
            terminate(connection);
            awaitCondition("the client to see the session closed", STEP,
                    () -> !Mono.from(connection.validate(ValidationDepth.LOCAL)).block(STEP));
            assertThatThrownBy(() -> Mono.from(connection.commitTransaction()).block(STEP))
                    .isInstanceOf(R2dbcTransientResourceException.class);
            Mono.from(connection.close()).block(STEP);
            assertThat(committedRows()).isZero();
        }
    }

    /**
     * Spring's {@code TransactionalOperator} (what {@code @Transactional} does on a reactive method) over
     * {@code R2dbcTransactionManager}: the session dies between two statements; the caller gets the second
     * statement's error, not the rollback's.
     */
    @Test
    void underASpringTransactionTheStatementsOwnErrorReachesTheCaller() {
        try (PgConnR2dbcConnectionFactory factory = factory()) {
            DatabaseClient client = DatabaseClient.create(factory);
            TransactionalOperator transactional = TransactionalOperator.create(new R2dbcTransactionManager(factory));
            Mono<Long> work = client.sql("INSERT INTO lost_work VALUES (3)").fetch().rowsUpdated()
                    .then(client.sql("SELECT pg_backend_pid()").map(row -> row.get(0, Integer.class)).one())
                    .flatMap(pid -> Mono.fromRunnable(() -> terminateAndAwaitItsEnd(pid)).subscribeOn(Schedulers.boundedElastic()))
                    .then(client.sql("INSERT INTO lost_work VALUES (4)").fetch().rowsUpdated())
                    .as(transactional::transactional);

            Throwable error = catchThrowable(() -> work.block(STEP));
            assertThat(error).isInstanceOf(TransientDataAccessResourceException.class)
                    .hasMessageContaining("INSERT INTO lost_work VALUES (4)")
                    .hasMessageNotContaining("rollback")
                    .hasCauseInstanceOf(R2dbcTransientResourceException.class);
            assertThat(committedRows()).isZero();
        }
    }

    /**
     * NEW-USER-26 F5: a session the server ended while it was idle (pg_terminate_backend of pooled sessions, a restart)
     * and the client had not noticed yet (repeated: read before the statement or not). beginTransaction() sends nothing
     * (its BEGIN rides with the first statement), so the first statement meets the end and the caller gets its
     * transient error — Spring's TransientDataAccessResourceException, which a retry policy on transient exceptions
     * retries; it was the BEGIN's CannotCreateTransactionException (LostBeginIT asserted that before), which it does not.
     */
    @RepeatedTest(5)
    void aTransactionOnASessionTheServerEndedWhileIdleFailsAtItsFirstStatementAsTransient() {
        try (PgConnR2dbcConnectionFactory factory = factory()) {
            ConnectionFactory endedWhileIdle = new ConnectionFactory() {
                @Override
                public Publisher<? extends Connection> create() {
                    return Mono.from(factory.create()).flatMap(c -> Mono.fromRunnable(() -> terminateAndAwaitItsEnd(
                            ((PgConnR2dbcConnection) c).pgConnection().processId())).subscribeOn(Schedulers.boundedElastic()).thenReturn(c));
                }

                @Override
                public ConnectionFactoryMetadata getMetadata() {
                    return factory.getMetadata();
                }
            };
            Mono<Long> work = DatabaseClient.create(endedWhileIdle).sql("INSERT INTO lost_work VALUES (5)").fetch().rowsUpdated()
                    .as(TransactionalOperator.create(new R2dbcTransactionManager(endedWhileIdle))::transactional);

            Throwable error = catchThrowable(() -> work.block(STEP));
            assertThat(error).as("not a CannotCreateTransactionException").isInstanceOf(TransientDataAccessResourceException.class)
                    .hasMessageContaining("INSERT INTO lost_work VALUES (5)")
                    .hasCauseInstanceOf(R2dbcTransientResourceException.class);
            assertThat(committedRows()).isZero();
        }
    }

    private static void terminate(Connection connection) {
        PG.primary().execute("SELECT pg_terminate_backend(" + ((PgConnR2dbcConnection) connection).pgConnection().processId() + ")");
    }

    /** Terminates the backend and waits until the server has ended it. */
    private static void terminateAndAwaitItsEnd(int pid) {
        PG.primary().execute("SELECT pg_terminate_backend(" + pid + ")");
        awaitCondition("the server to end session " + pid, STEP,
                () -> "0".equals(PG.primary().queryValue("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid)));
    }

    private static long committedRows() {
        try (PgConnR2dbcConnectionFactory factory = factory()) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            Long rows = Flux.from(connection.createStatement("SELECT count(*) FROM lost_work").execute())
                    .flatMap(result -> result.map(row -> row.get(0, Long.class))).blockLast(STEP);
            Mono.from(connection.close()).block(STEP);
            return rows;
        }
    }

    private static Long rowsOf(Connection connection, String sql) {
        return Flux.from(connection.createStatement(sql).execute()).flatMap(result -> result.getRowsUpdated()).blockLast(STEP);
    }
}
