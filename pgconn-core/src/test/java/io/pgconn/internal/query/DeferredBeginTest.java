package io.pgconn.internal.query;

import io.pgconn.PgException;
import io.pgconn.PgTransactionRolledBackException;
import io.pgconn.internal.protocol.backend.BindComplete;
import io.pgconn.internal.protocol.backend.CommandComplete;
import io.pgconn.internal.protocol.backend.ParseComplete;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DeferredBegin#serverTurnedReadOnly}: a {@code BEGIN READ WRITE} whose carrier's answer brought the server's
 * {@code default_transaction_read_only=on} began on the server but may not go on (docs/query.md §5); a plain BEGIN, or a
 * report after the BEGIN's outcome was settled, changes nothing. Against PostgreSQL: {@code ReadWriteBegunOnReadOnlyServerIT}.
 */
class DeferredBeginTest {

    private static final String HOST = "db1:5432";

    @Test
    void aReadWriteBeginAnsweredWithTheServerTurnedReadOnlyBeganButIsRefused() {
        DeferredBegin begin = new DeferredBegin("BEGIN READ WRITE", true);
        Exchange carrier = carrier(begin);
        answered(begin);
        begin.serverTurnedReadOnly(HOST);

        assertThat(begin.settle(carrier, 'T', HOST)).as("may not go on").isFalse();
        assertThat(begin.begun()).as("the server's transaction is open").isTrue();
        assertThat(begin.failed()).isTrue();
        assertThat(begin.begunButRefused()).isTrue();
        PgException refusal = begin.refusal(null);
        assertThat(refusal).isInstanceOf(PgTransactionRolledBackException.class)
                .hasMessageContaining(HOST).hasMessageContaining("default_transaction_read_only=on")
                .hasMessageContaining("target_session_attrs=read-write");
        assertThat(refusal.sqlState()).hasValue(PgTransactionRolledBackException.SQL_STATE);
        assertThat(begin.refusal(null)).as("a fresh exception for each refused request").isNotSameAs(refusal);
    }

    @Test
    void aPlainBeginIsTheServersToRefuse() {
        DeferredBegin begin = new DeferredBegin("BEGIN", false);
        Exchange carrier = carrier(begin);
        answered(begin);
        begin.serverTurnedReadOnly(HOST);

        assertThat(begin.settle(carrier, 'T', HOST)).isTrue();
        assertThat(begin.failed()).isFalse();
        assertThat(begin.begunButRefused()).isFalse();
    }

    /** The options' access mode decides, carried from {@code TransactionOptions}: the text is not read (item 1, session 33). */
    @Test
    void theCarriedAccessModeDecidesNotTheText() {
        DeferredBegin notSaid = new DeferredBegin("BEGIN READ WRITE", false);
        Exchange carrier = carrier(notSaid);
        answered(notSaid);
        notSaid.serverTurnedReadOnly(HOST);
        assertThat(notSaid.settle(carrier, 'T', HOST)).isTrue();
        assertThat(notSaid.begunButRefused()).isFalse();

        DeferredBegin said = new DeferredBegin("BEGIN ISOLATION LEVEL SERIALIZABLE, READ  WRITE", true);
        Exchange other = carrier(said);
        answered(said);
        said.serverTurnedReadOnly(HOST);
        assertThat(said.settle(other, 'T', HOST)).isFalse();
        assertThat(said.refusal(null)).isInstanceOf(io.pgconn.PgServerTurnedReadOnlyException.class);
    }

    @Test
    void aReportAfterTheBeginWasSettledChangesNothing() {
        DeferredBegin begin = new DeferredBegin("BEGIN ISOLATION LEVEL SERIALIZABLE, READ WRITE", true);
        Exchange carrier = carrier(begin);
        answered(begin);
        assertThat(begin.settle(carrier, 'T', HOST)).isTrue();

        begin.serverTurnedReadOnly(HOST); // a later statement's answer: the BEGIN ran before the reload
        assertThat(begin.failed()).isFalse();
        assertThat(begin.begunButRefused()).isFalse();
    }

    @Test
    void theTransactionsEndIsKnown() {
        DeferredBegin begin = new DeferredBegin("BEGIN READ WRITE", true);
        Exchange commit = new StubExchange() { };
        assertThat(begin.isEnd(commit)).isFalse();
        begin.endedBy(commit);
        assertThat(begin.isEnd(commit)).isTrue();
        assertThat(begin.isEnd(new StubExchange() { })).isFalse();
    }

    private static Exchange carrier(DeferredBegin begin) {
        Exchange carrier = new StubExchange() { };
        begin.join(carrier);
        begin.carriedBy(carrier, true);
        return carrier;
    }

    /** The BEGIN's three answers in front of the carrier's. */
    private static void answered(DeferredBegin begin) {
        assertThat(begin.takes(ParseComplete.INSTANCE)).isTrue();
        assertThat(begin.takes(BindComplete.INSTANCE)).isTrue();
        assertThat(begin.takes(new CommandComplete("BEGIN"))).isTrue();
        assertThat(begin.begun()).isTrue();
    }
}
