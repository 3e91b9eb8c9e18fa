package io.pgconn.lifecycle;

import io.pgconn.PgConnection;
import io.pgconn.PgServerException;
import io.pgconn.PgServerTurnedReadOnlyException;
import io.pgconn.PgTransactionRolledBackException;
import io.pgconn.query.TransactionOptions;
import io.pgconn.query.TransactionStatus;
import io.pgconn.testing.Connect;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static io.pgconn.testing.Connect.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transaction begun with its first statement ({@code beginWithFirstStatement}, what pgconn-r2dbc's
 * {@code beginTransaction} and so Spring's transaction manager use) as {@code BEGIN READ WRITE}, on a session idle while
 * its server was turned read-only by a reload ({@code default_transaction_read_only=on}): PostgreSQL applies the reload
 * when the session's next message arrives and reports it just before that group's ReadyForQuery, so the BEGIN and the
 * first statement run after it — {@code READ WRITE} overrides the default and the server takes the write. Under
 * {@code target_session_attrs=read-write} that transaction is not committed (docs/r2dbc.md §4, NEW-USER-31 F3): what
 * follows the first statement is refused unsent, the commit fails with {@link PgTransactionRolledBackException} after a
 * ROLLBACK, and the session goes on idle. Under {@code any} PostgreSQL's answer stands. A plain {@code BEGIN} is the
 * server's to refuse (25006). Session 33: the same for a session that heard the reload before the BEGIN, and a {@code BEGIN
 * READ WRITE} sent on its own — the core's awaited {@code begin}, the application's SQL — is rolled back at once
 * ({@link PgServerTurnedReadOnlyException}).
 */
class ReadWriteBegunOnReadOnlyServerIT {

    private static final String USER = "rw_begun_u";
    private static final TransactionOptions READ_WRITE = TransactionOptions.DEFAULT.readOnly(false);

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("rw-begun-on-ro")
            .user(PgUser.named(USER).allow(ConnectionType.HOST, AuthMethod.TRUST))
            .initSql("CREATE TABLE rw_rows (n int)")
            .initSql("GRANT ALL ON rw_rows TO " + USER)
            .build();

    /** PostgreSQL 14, the first to report {@code default_transaction_read_only} (R33-1's case on both). */
    @RegisterExtension
    static final PgClusterExtension PG14 = PgClusterExtension.builder()
            .name("rw-begun-on-ro-14")
            .majorVersion(14)
            .user(PgUser.named(USER).allow(ConnectionType.HOST, AuthMethod.TRUST))
            .initSql("CREATE TABLE rw_rows (n int)")
            .initSql("GRANT ALL ON rw_rows TO " + USER)
            .build();

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    @BeforeEach
    void empty() {
        PG.primary().execute("TRUNCATE rw_rows");
    }

    @AfterEach
    void serverReadWriteAgain() {
        PG.primary().setConfig("default_transaction_read_only", "off");
    }

    @Test
    void aReadWriteTransactionTheServerBeganAfterTurningReadOnlyIsRolledBackNotCommitted() {
        PgConnection session = connect("read-write");
        try {
            readOnlyTransactionOn(session);
        } finally {
            await(session.close()); // also when an assertion failed: its transaction must not hold the table
        }
    }

    private static void readOnlyTransactionOn(PgConnection session) {
        PG.primary().setConfig("default_transaction_read_only", "on");

        await(session.beginWithFirstStatement(READ_WRITE));
        assertThat(await(session.query("INSERT INTO rw_rows VALUES (1) RETURNING current_setting('transaction_read_only')"))
                .single(String.class)).as("BEGIN READ WRITE ran after the reload and the server took the write").isEqualTo("off");
        assertThat(session.parameters()).containsEntry("default_transaction_read_only", "on");

        Throwable next = failure(session.query("INSERT INTO rw_rows VALUES (2)"));
        assertThat(next).isInstanceOf(PgTransactionRolledBackException.class)
                .hasMessageContaining("default_transaction_read_only=on").hasMessageContaining(session.host());
        assertThat(failure(session.commit())).isInstanceOf(PgTransactionRolledBackException.class)
                .hasMessageContaining("not committed");

        assertThat(PG.primary().queryValue("SELECT count(*) FROM rw_rows")).as("nothing committed").isEqualTo("0");
        assertThat(session.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
        assertThat(value(session, "SELECT 1")).as("the session goes on").isEqualTo("1");
    }

    @Test
    void aCommitSentBeforeTheFirstStatementWasAnsweredIsARollback() {
        PgConnection session = connect("read-write");
        try {
            commitBehindTheFirstStatementOn(session);
        } finally {
            await(session.close());
        }
    }

    private static void commitBehindTheFirstStatementOn(PgConnection session) {
        PG.primary().setConfig("default_transaction_read_only", "on");

        await(session.beginWithFirstStatement(READ_WRITE));
        CompletableFuture<?> insert = session.query("INSERT INTO rw_rows VALUES (1)");
        CompletableFuture<Void> commit = session.commit(); // queued behind the BEGIN's answer, decided when it comes
        await(insert);
        assertThat(failure(commit)).isInstanceOf(PgTransactionRolledBackException.class)
                .hasMessageContaining("default_transaction_read_only=on");
        assertThat(session.transactionStatus()).as("the commit fails once its ROLLBACK is answered (R33-3)")
                .isEqualTo(TransactionStatus.IDLE);

        assertThat(value(session, "SELECT count(*) FROM rw_rows")).as("rolled back, not left open").isEqualTo("0");
        assertThat(session.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
        assertThat(PG.primary().queryValue("SELECT count(*) FROM rw_rows")).isEqualTo("0");
    }

    @Test
    void underTargetAnyTheServersAnswerStandsAndAPlainBeginIsRefusedByTheServer() {
        PgConnection any = connect("any");
        PgConnection readWrite = connect("read-write");
        try {
            serversAnswerOn(any, readWrite);
        } finally {
            await(any.close());
            await(readWrite.close());
        }
    }

    private static void serversAnswerOn(PgConnection any, PgConnection readWrite) {
        PG.primary().setConfig("default_transaction_read_only", "on");

        await(any.beginWithFirstStatement(READ_WRITE));
        await(any.query("INSERT INTO rw_rows VALUES (1)"));
        await(any.commit());
        assertThat(PG.primary().queryValue("SELECT count(*) FROM rw_rows")).as("any: PostgreSQL's answer").isEqualTo("1");

        await(readWrite.beginWithFirstStatement(TransactionOptions.DEFAULT));
        Throwable refused = failure(readWrite.query("INSERT INTO rw_rows VALUES (2)"));
        assertThat(refused).isInstanceOf(PgServerException.class).isNotInstanceOf(PgTransactionRolledBackException.class);
        assertThat(((PgServerException) refused).sqlState()).hasValue("25006");
        await(readWrite.rollback());
        assertThat(PG.primary().queryValue("SELECT count(*) FROM rw_rows")).isEqualTo("1");
    }

    /**
     * Session 33: the core's awaited {@code begin(options)} with {@code READ WRITE} sends its BEGIN as a query of its
     * own; answered with the report, it fails with {@link PgServerTurnedReadOnlyException} once rolled back, the session
     * idle, and a write after it meets the server's read-only default (25006). Before: begun, the write committed.
     */
    @Test
    void anAwaitedReadWriteBeginIsRolledBackAtOnce() {
        onTheReloadedPrimary(session -> {
            Throwable refused = failure(session.begin(READ_WRITE));
            assertThat(refused).isInstanceOf(PgServerTurnedReadOnlyException.class).hasMessageContaining(session.host())
                    .hasMessageContaining("default_transaction_read_only=on").hasMessageContaining("target_session_attrs=read-write");
            assertThat(((PgServerException) refused).sqlState()).hasValue(PgTransactionRolledBackException.SQL_STATE);
            assertThat(session.transactionStatus()).as("rolled back before the failure was told").isEqualTo(TransactionStatus.IDLE);
            assertServersReadOnlyDefault(session);
        });
    }

    /**
     * Session 33: the application's own {@code BEGIN READ WRITE} / {@code START TRANSACTION READ WRITE} text, through
     * {@code query} (extended protocol) and {@code simpleQuery}, each on a session idle while the server was reloaded:
     * rolled back at once, as the core's {@code begin}. Before: begun, and the write after it committed.
     */
    @Test
    void anApplicationsOwnReadWriteBeginTextIsRolledBackAtOnce() {
        PgConnection extended = connect("read-write");
        PgConnection simple = connect("read-write");
        try {
            PG.primary().setConfig("default_transaction_read_only", "on");

            assertThat(failure(extended.query("/* app */ BEGIN ISOLATION LEVEL READ COMMITTED, READ WRITE")))
                    .isInstanceOf(PgServerTurnedReadOnlyException.class).hasMessageContaining(extended.host());
            assertThat(extended.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
            assertServersReadOnlyDefault(extended);

            assertThat(failure(simple.simpleQuery("start transaction read write")))
                    .isInstanceOf(PgServerTurnedReadOnlyException.class).hasMessageContaining(simple.host());
            assertServersReadOnlyDefault(simple);
        } finally {
            await(extended.close());
            await(simple.close());
        }
    }

    /**
     * Session 33: the application's BEGIN READ WRITE, a write and a COMMIT pipelined without waiting: what follows the
     * BEGIN waits for its answer; the ROLLBACK goes first; the write is refused unsent (queued behind the BEGIN) or by the
     * server's read-only default (submitted as its answer was read), and the COMMIT fails either way (REVIEW R33b-1: it
     * succeeded with the server's warning). What comes after the COMMIT runs under the read-only default. Before session
     * 33: all three ran and the row was committed.
     */
    @Test
    void whatIsPipelinedBehindTheApplicationsBeginUpToItsCommitIsRefusedUnsent() {
        onTheReloadedPrimary(session -> {
            CompletableFuture<?> begin = session.simpleQuery("BEGIN READ WRITE");
            CompletableFuture<?> insert = session.query("INSERT INTO rw_rows VALUES (1)");
            CompletableFuture<?> commit = session.simpleQuery("COMMIT");
            CompletableFuture<?> after = session.query("SELECT current_setting('transaction_read_only')");
            assertThat(failure(begin)).isInstanceOf(PgServerTurnedReadOnlyException.class);
            // refused unsent when it was queued behind the BEGIN before its answer was read, else the server's 25006
            assertThat(((PgServerException) failure(insert)).sqlState().orElseThrow()).isIn("25P02", "25006");
            assertThat(failure(commit)).as("the COMMIT reports nothing committed").isInstanceOf(PgServerTurnedReadOnlyException.class)
                    .hasMessageContaining("nothing was committed");
            assertThat(await(after)).isNotNull();
            assertThat(PG.primary().queryValue("SELECT count(*) FROM rw_rows")).isEqualTo("0");
            assertServersReadOnlyDefault(session);
        });
    }

    /**
     * The core API pipelined the same way (REVIEW R33b-1's case): {@code begin(READ WRITE)}, an insert and
     * {@code commit()}, none awaited but the commit: the insert fails (unsent, or by the read-only default) and the
     * commit does not report success, failing once pgconn's ROLLBACK is answered (the session idle then: REVIEW-34 R34-2). A {@code rollback()} as the end instead completes (rolled back, as asked).
     */
    @Test
    void theCoreApisPipelinedCommitFailsAndItsRollbackCompletes() {
        onTheReloadedPrimary(session -> {
            CompletableFuture<?> begin = session.begin(READ_WRITE);
            CompletableFuture<?> insert = session.query("INSERT INTO rw_rows VALUES (1)");
            CompletableFuture<?> commit = session.commit();
            assertThat(failure(commit)).isInstanceOf(PgServerTurnedReadOnlyException.class);
            assertThat(session.transactionStatus()).as("REVIEW-34 R34-2: failed once pgconn's ROLLBACK was answered")
                    .isEqualTo(TransactionStatus.IDLE);
            assertThat(((PgServerException) failure(insert)).sqlState().orElseThrow()).isIn("25P02", "25006");
            assertThat(failure(begin)).isInstanceOf(PgServerTurnedReadOnlyException.class);

            CompletableFuture<?> again = session.begin(READ_WRITE);
            CompletableFuture<?> second = session.query("INSERT INTO rw_rows VALUES (2)");
            CompletableFuture<?> rollback = session.rollback();
            await(rollback);
            assertThat(((PgServerException) failure(second)).sqlState().orElseThrow()).isIn("25P02", "25006");
            assertThat(failure(again)).isInstanceOf(PgServerTurnedReadOnlyException.class);
            assertThat(PG.primary().queryValue("SELECT count(*) FROM rw_rows")).isEqualTo("0");
            assertServersReadOnlyDefault(session);
        });
    }

    /**
     * Session 33: a session that heard the reload with an earlier statement's answer (not with its BEGIN's) refuses a
     * transaction begun READ WRITE after it too, begun with its first statement as Spring's. Before: committed there.
     */
    @Test
    void aSessionThatHeardTheReloadEarlierRefusesALaterReadWriteTransaction() {
        onTheReloadedPrimary(session -> {
            assertThat(value(session, "SELECT 1")).isEqualTo("1");
            assertThat(session.parameters()).containsEntry("default_transaction_read_only", "on");

            await(session.beginWithFirstStatement(READ_WRITE));
            await(session.query("INSERT INTO rw_rows VALUES (1)"));
            assertThat(failure(session.commit())).isInstanceOf(PgServerTurnedReadOnlyException.class)
                    .hasMessageContaining("not committed");
            assertThat(PG.primary().queryValue("SELECT count(*) FROM rw_rows")).isEqualTo("0");

            assertThat(failure(session.begin(READ_WRITE))).isInstanceOf(PgServerTurnedReadOnlyException.class);
            assertServersReadOnlyDefault(session);
        });
    }

    /**
     * A transaction begun READ WRITE (awaited, and as the application's text) before the reload is under way when the
     * change is reported: it commits, as PostgreSQL lets it; a BEGIN READ WRITE inside it (the server's WARNING) does
     * not end it either.
     */
    @Test
    void aTransactionBegunBeforeTheReloadCommits() {
        PgConnection session = connect("read-write");
        try {
            await(session.begin(READ_WRITE));
            PG.primary().setConfig("default_transaction_read_only", "on");
            await(session.query("INSERT INTO rw_rows VALUES (1)"));
            assertThat(session.parameters()).containsEntry("default_transaction_read_only", "on");
            await(session.simpleQuery("BEGIN READ WRITE")); // already in a transaction: a WARNING, still open
            await(session.query("INSERT INTO rw_rows VALUES (2)"));
            await(session.commit());
            assertThat(PG.primary().queryValue("SELECT count(*) FROM rw_rows")).isEqualTo("2");
        } finally {
            await(session.close());
        }
    }

    /**
     * REVIEW-33 R33-1: the transaction's first statement is a {@code set_config} naming another setting by a literal —
     * a tenant's {@code set_config('app.tenant', $1, true)} (row-level security), pgconn-r2dbc's lock wait timeout — on
     * PostgreSQL 18 and 14: the report in its answer is the server's, so the transaction is refused as for any first
     * statement. Before, any {@code set_config} made the report the session's own: the write committed on the read-only
     * server. A session that heard the reload with such a statement, autocommitted, refuses a later one as well.
     */
    @Test
    void aFirstStatementSettingAnotherSettingWithSetConfigDoesNotKeepTheWriteOnTheReadOnlyServer() {
        for (PgServer server : new PgServer[] {PG.primary(), PG14.primary()}) {
            server.execute("TRUNCATE rw_rows");
            PgConnection tenant = connect(server, "read-write");
            PgConnection lockTimeout = connect(server, "read-write");
            PgConnection heard = connect(server, "read-write");
            try {
                server.setConfig("default_transaction_read_only", "on"); // each session idle: it hears with its next message
                setConfigFirst(server, tenant, "SELECT set_config('app.tenant', $1, true)", "t42");
                setConfigFirst(server, lockTimeout, "SELECT pg_catalog.set_config('lock_timeout', $1, true)", "5s");
                heardWithASetConfig(server, heard);
            } finally {
                server.setConfig("default_transaction_read_only", "off");
                await(tenant.close());
                await(lockTimeout.close());
                await(heard.close());
            }
        }
    }

    /**
     * REVIEW-34 R34-8: the application's rollback behind its refused BEGIN READ WRITE carries a sqlcommenter-style tag:
     * it is still a plain rollback, so it runs after pgconn's ROLLBACK and completes. Before, it was refused as the
     * transaction's end ("not sent ... nothing was committed") as a COMMIT is.
     */
    @Test
    void aTaggedRollbackPipelinedBehindTheApplicationsRefusedBeginCompletes() {
        onTheReloadedPrimary(session -> {
            CompletableFuture<?> begin = session.simpleQuery("BEGIN READ WRITE");
            CompletableFuture<?> insert = session.query("INSERT INTO rw_rows VALUES (1)");
            CompletableFuture<?> rollback = session.simpleQuery("/* app=orders,route=checkout */ ROLLBACK -- done");
            assertThat(failure(begin)).isInstanceOf(PgServerTurnedReadOnlyException.class);
            assertThat(((PgServerException) failure(insert)).sqlState().orElseThrow()).isIn("25P02", "25006");
            assertThat(await(rollback)).as("rolled back, as asked").isNotNull();
            assertThat(PG.primary().queryValue("SELECT count(*) FROM rw_rows")).isEqualTo("0");
            assertServersReadOnlyDefault(session);
        });
    }

    /**
     * REVIEW-34 R34-8: a first statement reading a column named {@code characteristics} is no {@code SET SESSION
     * CHARACTERISTICS}: the report in its answer is the server's, and the write is refused as for any first statement.
     * Before, the word anywhere made the report the session's own and the write committed on the read-only server.
     */
    @Test
    void aFirstStatementReadingACharacteristicsColumnDoesNotKeepTheWriteOnTheReadOnlyServer() {
        PgConnection session = connect("read-write");
        try {
            PG.primary().setConfig("default_transaction_read_only", "on"); // the session is idle: it hears with its next message
            setConfigFirst(PG.primary(), session, "SELECT p.characteristics FROM (SELECT $1::text AS characteristics) p", "gold");
        } finally {
            await(session.close());
        }
    }

    private static void setConfigFirst(PgServer server, PgConnection session, String setConfig, String value) {
        await(session.beginWithFirstStatement(READ_WRITE));
        await(session.query(setConfig, value));
        assertThat(session.parameters()).containsEntry("default_transaction_read_only", "on");
        Throwable insert = failure(session.query("INSERT INTO rw_rows VALUES (1)"));
        assertThat(insert).as(setConfig).isInstanceOf(PgServerTurnedReadOnlyException.class)
                .hasMessageContaining(session.host());
        assertThat(session.transactionStatus()).as("still to be ended").isEqualTo(TransactionStatus.FAILED);
        assertThat(failure(session.commit())).isInstanceOf(PgServerTurnedReadOnlyException.class);
        assertThat(session.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
        assertThat(server.queryValue("SELECT count(*) FROM rw_rows")).as(setConfig).isEqualTo("0");
    }

    private static void heardWithASetConfig(PgServer server, PgConnection session) {
        await(session.query("SELECT set_config('app.tenant', 't7', false)"));
        assertThat(session.parameters()).containsEntry("default_transaction_read_only", "on");
        await(session.beginWithFirstStatement(READ_WRITE));
        await(session.query("INSERT INTO rw_rows VALUES (2)"));
        assertThat(failure(session.commit())).isInstanceOf(PgServerTurnedReadOnlyException.class);
        assertThat(server.queryValue("SELECT count(*) FROM rw_rows")).isEqualTo("0");
    }

    /**
     * REVIEW-33b R33b-2: the session hears the reload with an ordinary statement; the operator undoes it, and the
     * session hears {@code off} with a statement that may set the setting itself (a {@code set_config} whose name is a
     * parameter). That {@code off} lifts what the {@code on} set: a {@code BEGIN READ WRITE} after it, awaited or begun
     * with its first statement, commits. Before: the flag stuck for the session's life (every read-write transaction
     * refused) while its parameter map said {@code off}, so a pool's validation kept the session.
     */
    @Test
    void anOffHeardWithATextThatMaySetTheSettingLiftsTheServersReadOnly() {
        onTheReloadedPrimary(session -> {
            assertThat(value(session, "SELECT 1")).isEqualTo("1");
            assertThat(session.parameters()).containsEntry("default_transaction_read_only", "on");
            PG.primary().setConfig("default_transaction_read_only", "off");
            await(session.query("SELECT set_config($1, $2, false)", "app.tenant", "t1"));
            assertThat(session.parameters()).containsEntry("default_transaction_read_only", "off");

            await(session.begin(READ_WRITE));
            await(session.query("INSERT INTO rw_rows VALUES (1)"));
            await(session.commit());
            await(session.beginWithFirstStatement(READ_WRITE));
            await(session.query("INSERT INTO rw_rows VALUES (2)"));
            await(session.commit());
            assertThat(PG.primary().queryValue("SELECT count(*) FROM rw_rows")).isEqualTo("2");
        });
    }

    /**
     * REVIEW-34 R34-1: behind a refused {@code begin(READ WRITE)}, a statement with a {@code CASE ... END} (or a
     * {@code 'commit'} literal) is no transaction end: it, the write after it and the {@code commit()} are refused, and
     * the commit does not report success. Before, the refusal stopped at the word {@code END}: the write ran after
     * pgconn's ROLLBACK in autocommit and the COMMIT, sent outside any transaction, completed with the server's warning.
     */
    @Test
    void aCaseEndBehindARefusedBeginIsNoTransactionEnd() {
        onTheReloadedPrimary(session -> {
            CompletableFuture<?> begin = session.begin(READ_WRITE);
            CompletableFuture<?> update = session.simpleQuery("UPDATE rw_rows SET n = CASE WHEN n > 0 THEN 1 END");
            CompletableFuture<?> note = session.query("INSERT INTO rw_rows SELECT length('commit')");
            CompletableFuture<?> insert = session.query("INSERT INTO rw_rows VALUES (1)");
            CompletableFuture<?> commit = session.commit();
            assertThat(failure(commit)).as("nothing committed").isInstanceOf(PgServerTurnedReadOnlyException.class)
                    .hasMessageContaining(session.host());
            assertThat(session.transactionStatus()).as("REVIEW-34 R34-2: failed once pgconn's ROLLBACK was answered")
                    .isEqualTo(TransactionStatus.IDLE);
            assertThat(failure(begin)).isInstanceOf(PgServerTurnedReadOnlyException.class);
            for (CompletableFuture<?> refused : List.of(update, note, insert)) {
                assertThat(((PgServerException) failure(refused)).sqlState().orElseThrow()).isIn("25P02", "25006");
            }
            assertServersReadOnlyDefault(session);
        });
    }

    /**
     * REVIEW-34 R34-1: a savepoint's rollback behind a refused {@code BEGIN READ WRITE} does not end the transaction:
     * the write after it and the COMMIT are refused. Before, {@code ROLLBACK TO SAVEPOINT} was taken as the end, the
     * second write ran in autocommit and the COMMIT completed with the server's warning.
     */
    @Test
    void aRollbackToSavepointBehindARefusedBeginIsNoTransactionEnd() {
        onTheReloadedPrimary(session -> {
            CompletableFuture<?> begin = session.simpleQuery("BEGIN READ WRITE");
            CompletableFuture<?> savepoint = session.simpleQuery("SAVEPOINT a");
            CompletableFuture<?> first = session.query("INSERT INTO rw_rows VALUES (1)");
            CompletableFuture<?> back = session.simpleQuery("ROLLBACK TO SAVEPOINT a");
            CompletableFuture<?> second = session.query("INSERT INTO rw_rows VALUES (2)");
            CompletableFuture<?> commit = session.simpleQuery("COMMIT");
            assertThat(failure(commit)).as("nothing committed").isInstanceOf(PgServerTurnedReadOnlyException.class)
                    .hasMessageContaining("nothing was committed");
            assertThat(failure(begin)).isInstanceOf(PgServerTurnedReadOnlyException.class);
            for (CompletableFuture<?> refused : List.of(savepoint, first, back, second)) {
                assertThat(failure(refused)).isInstanceOf(PgServerException.class);
            }
            assertServersReadOnlyDefault(session);
        });
    }

    /**
     * REVIEW-34 R34-1/R34-3: after an awaited refused {@code begin(READ WRITE)}, a {@code CASE ... END} does not end the
     * refusal: the {@code commit()} that follows still fails (sent, it would complete with the server's warning). That
     * commit ends the refusal: a COMMIT text after it is sent (the server only warns), as is a {@code SELECT}.
     */
    @Test
    void afterAnAwaitedRefusedBeginOnlyTheTransactionsEndEndsTheRefusal() {
        onTheReloadedPrimary(session -> {
            assertThat(failure(session.begin(READ_WRITE))).isInstanceOf(PgServerTurnedReadOnlyException.class);
            assertThat(value(session, "SELECT CASE WHEN true THEN 'x' END")).isEqualTo("x");
            assertThat(failure(session.commit())).as("its transaction was rolled back: nothing committed")
                    .isInstanceOf(PgServerTurnedReadOnlyException.class).hasMessageContaining("nothing was committed");
            assertThat(await(session.simpleQuery("COMMIT"))).as("the refusal ended with the transaction's end").isNotNull();
            assertServersReadOnlyDefault(session);
        });
    }

    /** A read-write session on the primary, the primary then reloaded read-only, {@code test} run with it; the session closed after. */
    private static void onTheReloadedPrimary(Consumer<PgConnection> test) {
        PgConnection session = connect("read-write");
        try {
            PG.primary().setConfig("default_transaction_read_only", "on");
            test.accept(session);
        } finally {
            await(session.close());
        }
    }

    /** The session is idle, outside any transaction, and the server refuses a write under its read-only default. */
    private static void assertServersReadOnlyDefault(PgConnection session) {
        assertThat(value(session, "SELECT current_setting('transaction_read_only')")).isEqualTo("on");
        Throwable write = failure(session.query("INSERT INTO rw_rows VALUES (9)"));
        assertThat(write).isInstanceOf(PgServerException.class);
        assertThat(((PgServerException) write).sqlState()).hasValue("25006");
        assertThat(session.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
        assertThat(PG.primary().queryValue("SELECT count(*) FROM rw_rows")).as("nothing on the read-only server").isEqualTo("0");
    }

    private static PgConnection connect(String target) {
        return connect(PG.primary(), target);
    }

    private static PgConnection connect(PgServer server, String target) {
        return await(FACTORY.factory().connect(Connect.config(server, USER, null,
                "sslmode=disable extensionTypes='' target_session_attrs=" + target)));
    }
}
