package io.pgconn.lifecycle;

import io.pgconn.PgConnection;
import io.pgconn.PgServerException;
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

import java.util.concurrent.CompletableFuture;

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
 * server's to refuse (25006).
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

    private static PgConnection connect(String target) {
        PgServer server = PG.primary();
        return await(FACTORY.factory().connect(Connect.config(server, USER, null,
                "sslmode=disable extensionTypes='' target_session_attrs=" + target)));
    }
}
