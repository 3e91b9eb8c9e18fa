package io.pgconn.internal.session;

import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.internal.protocol.backend.BackendMessage;
import io.pgconn.internal.protocol.backend.BindComplete;
import io.pgconn.internal.protocol.backend.CommandComplete;
import io.pgconn.internal.protocol.backend.NoData;
import io.pgconn.internal.protocol.backend.ParameterStatus;
import io.pgconn.internal.protocol.backend.ParseComplete;
import io.pgconn.internal.protocol.backend.ReadyForQuery;
import io.pgconn.internal.query.DefaultPgStatement;
import io.pgconn.query.RowSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Before PostgreSQL 18 the server does not report search_path: {@link ServerReports} reads the SET/RESET/DISCARD ALL
 * tags that may change it, once, for the statement cache and the type OIDs alike (a session of a server that does not
 * report it: its parameter map has no search_path).
 */
class ServerReportsSearchPathTest {

    /** Nothing reported yet; a test whose server reports search_path puts it in ({@link ServerReports#parameterChanged}). */
    private final EmbeddedSession embedded = new EmbeddedSession(10, new HashMap<>());
    private final PipelinedSession session = embedded.session;
    private final EmbeddedChannel channel = embedded.channel;
    private final SessionTypeOids typeOids = new SessionTypeOids(List.of("mood"), SessionTypeOids.UNWATCHED_EPOCH, 0, null,
            oids -> { });

    ServerReportsSearchPathTest() {
        session.serverReports().typeOids(typeOids);
    }

    @AfterEach
    void releaseWhatIsLeft() {
        embedded.close();
    }

    @Test
    void aSetLocalDropsTheStatementsAtOnceAndAgainAtItsTransactionsEndWhereTheTypeOidsGoStale() {
        run("SELECT 1", "SELECT 1", 'I');
        run("SET statement_timeout = 1000", "SET", 'I');
        assertThat(session.statementCache().size()).as("another setting: nothing dropped").isEqualTo(2);
        assertThat(typeOids.stale()).isFalse();

        run("SET LOCAL search_path TO tenant_2", "SET", 'T');
        assertThat(session.statementCache().size()).as("dropped at the SET").isZero();
        assertThat(typeOids.stale()).as("not before the transaction ends").isFalse();
        run("SELECT 2", "SELECT 1", 'T');
        assertThat(session.statementCache().size()).as("prepared under the transaction's path").isEqualTo(1);

        run("COMMIT", "COMMIT", 'I');
        assertThat(session.statementCache().size()).as("the path ended with the transaction: what it prepared goes")
                .isZero();
        assertThat(typeOids.stale()).isTrue();
    }

    @Test
    void aDiscardAllMakesTheTypeOidsStaleAtItsEnd() {
        run("SELECT 1", "SELECT 1", 'I');
        run("DISCARD ALL", "DISCARD ALL", 'I');
        assertThat(typeOids.stale()).isTrue();
        assertThat(session.statementCache().size()).as("gone from the server with it").isZero();
    }

    @Test
    void onAServerThatReportsTheSearchPathTheTagsAreNotRead() {
        run("SELECT 1", "SELECT 1", 'I', new ParameterStatus("search_path", "\"$user\", public"));
        run("SET search_path TO \"$user\", public", "SET", 'I');
        assertThat(session.statementCache().size()).as("the report says when it changed").isEqualTo(2);
    }

    /** A report with nothing answering (the handler passes no exchange, as for the role's reports) is taken, not a failure. */
    @Test
    void aSearchPathReportedWithNothingInFlightIsTaken() {
        run("SELECT 1", "SELECT 1", 'I');
        channel.writeInbound(new ParameterStatus("search_path", "tenant_2, public"));
        assertThat(channel.isActive()).as("the session goes on").isTrue();
        assertThat(session.statementCache().size()).as("made under the path before: kept, filed under it").isEqualTo(1);
        run("SELECT 1", "SELECT 1", 'I');
        assertThat(session.statementCache().size()).as("the same text under the reported path: another entry").isEqualTo(2);
    }

    /**
     * Runs {@code sql} as a new statement to its end: {@code tag}, then what the server {@code reports} (ParameterStatus),
     * then ReadyForQuery with {@code status}.
     */
    private void run(String sql, String tag, char status, BackendMessage... reports) {
        CompletableFuture<RowSet> result = DefaultPgStatement.query(session, sql);
        embedded.written();
        channel.writeInbound(ParseComplete.INSTANCE, NoData.INSTANCE);
        embedded.written();
        channel.writeInbound(BindComplete.INSTANCE, new CommandComplete(tag));
        channel.writeInbound((Object[]) reports);
        channel.writeInbound(new ReadyForQuery(status));
        assertThat(result.join().commandTag()).isEqualTo(tag);
    }
}
