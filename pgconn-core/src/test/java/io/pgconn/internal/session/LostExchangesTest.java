package io.pgconn.internal.session;

import io.pgconn.PgClosedException;
import io.pgconn.PgException;
import io.pgconn.PgFailedThenClosedException;
import io.pgconn.PgOutcomeUnknownException;
import io.pgconn.PgProtocolException;
import io.pgconn.ServerErrorFields;
import io.pgconn.internal.query.DeferredBegin;
import io.pgconn.internal.query.Exchange;
import io.pgconn.internal.query.StubExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.function.LongPredicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the exchanges in flight when a session ended are told (docs/query.md §5; user13's F7): not sent, did not take
 * effect, rolled back with their transaction block, or an unknown outcome.
 */
class LostExchangesTest {

    private static final PgClosedException RESET = new PgClosedException("db:5432",
            "connection to db:5432 closed: the server reset the connection (ECONNRESET)");
    /** Buffers 1 and 2 went out, 3 was handed to the channel and not taken whole, 4 never flushed. */
    private static final LongPredicate UP_TO_3 = batch -> batch >= 1 && batch <= 3;
    private static final PgException DUPLICATE = new io.pgconn.PgServerException("db:5432",
            "server db:5432 reported ERROR: duplicate key (SQLSTATE 23505)",
            new ServerErrorFields(Map.of('S', "ERROR", 'V', "ERROR", 'C', "23505", 'M', "duplicate key")), null);

    @Test
    void sentStatementsWhoseAnswersWereLostHaveAnUnknownOutcomeAndUnsentOnesDidNotRun() {
        Exchange[] lost = {sentIn(1), sentIn(2), sentIn(3), sentIn(4), unwritten()};

        PgException[] told = LostExchanges.tell(RESET, lost, 'I', UP_TO_3);

        for (int i = 0; i < 3; i++) {
            assertThat(told[i]).isInstanceOf(PgOutcomeUnknownException.class)
                    .satisfies(e -> assertThat(((PgOutcomeUnknownException) e).sessionEnd()).isSameAs(RESET))
                    .hasMessageContaining("(ECONNRESET); the statement had been sent and its answer was lost, so it may have been executed");
        }
        for (int i = 3; i < 5; i++) {
            assertThat(told[i]).isExactlyInstanceOf(PgClosedException.class)
                    .hasMessage(RESET.getMessage() + "; the statement was not sent, so it did not run");
        }
        assertThat(told[0]).as("one exception per kind").isSameAs(told[1]);
        assertThat(told[3]).isSameAs(told[4]);
    }

    /** A described statement whose Bind/Execute was not written never ran, whichever buffer its Parse went in. */
    @Test
    void aStatementOnlyDescribedDidNotRun() {
        Exchange described = written(new Lost(false, false, false), 1);

        assertThat(LostExchanges.tell(RESET, new Exchange[] {described}, 'I', UP_TO_3)[0])
                .isNotInstanceOf(PgOutcomeUnknownException.class).hasMessageContaining("was not sent");
    }

    /**
     * REVIEW-9 F4: the server's own FATAL (no PANIC, no class 08) answering the statement it runs means it did not
     * commit; what was behind it was never read. A statement that had completed (its CommandComplete read) stays unknown.
     */
    @ParameterizedTest
    @ValueSource(strings = {"57P01", "25P03", "25P04", "57P05"})
    void theServersOwnFatalMeansTheRunningStatementAndThoseBehindItDidNotTakeEffect(String code) {
        PgClosedException fatal = endedBy("FATAL", code);

        PgException[] told = LostExchanges.tell(fatal, new Exchange[] {sentIn(1), sentIn(1), sentIn(2)}, 'I', UP_TO_3);

        assertThat(told).allSatisfy(e -> assertThat(e).isExactlyInstanceOf(PgClosedException.class)
                .hasMessageContaining("the server ended the session before the statement completed, so it did not take effect")
                .satisfies(x -> assertThat(((PgException) x).serverFields().code()).isEqualTo(code)));
        Exchange completed = written(new Lost(true, false, true), 1);
        assertThat(LostExchanges.tell(fatal, new Exchange[] {completed}, 'I', UP_TO_3)[0])
                .isInstanceOf(PgOutcomeUnknownException.class);
    }

    /**
     * A CALL or DO outside a transaction block may COMMIT inside itself before its one CommandComplete (PostgreSQL 11+
     * transaction control): the server's FATAL after the procedure's first COMMIT does not mean it took no effect, so
     * the head is unknown, not "did not take effect" (which R2DBC calls transient: a retry would apply the committed
     * chunks again). Inside a block its COMMIT is refused, and behind the head it was never read: did not take effect.
     */
    @ParameterizedTest
    @ValueSource(strings = {"CALL load_in_chunks()", " /* c */ call p(1)", "DO $$BEGIN COMMIT; END$$", "SELECT 1; CALL p()"})
    void theServersOwnFatalLeavesAStatementThatMayCommitInsideItselfUnknown(String sql) {
        PgClosedException fatal = endedBy("FATAL", "57P01");

        assertThat(LostExchanges.tell(fatal, new Exchange[] {written(new Lost(sql), 1)}, 'I', UP_TO_3)[0])
                .isInstanceOf(PgOutcomeUnknownException.class);
        assertThat(LostExchanges.tell(fatal, new Exchange[] {written(new Lost(sql), 1)}, 'T', UP_TO_3)[0])
                .as("inside a transaction block a procedure's COMMIT is refused")
                .isExactlyInstanceOf(PgClosedException.class).hasMessageContaining("did not take effect");
        assertThat(LostExchanges.tell(fatal, new Exchange[] {sentIn(1), written(new Lost(sql), 1)}, 'I', UP_TO_3)[1])
                .as("behind the head: never read").hasMessageContaining("did not take effect");
    }

    /**
     * A statement certain to stay inside its transaction (the script rule's {@code TransactionalText}), or one whose
     * commit is its end (COMMIT, ROLLBACK): the server's FATAL before its CommandComplete, or its error, means it did
     * not take effect. A word like {@code system} or {@code database} counts only in DDL.
     */
    @ParameterizedTest
    @ValueSource(strings = {"INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING", "SELECT 'CALL p()'", "UPDATE t SET docall = 1",
            "COPY t FROM STDIN", "EXPLAIN ANALYZE UPDATE t SET v = 1", "EXECUTE p(1)", "SHOW work_mem", "COMMIT", "ROLLBACK",
            "INSERT INTO t (system, database) VALUES (1, 2)", "CREATE INDEX i ON t (v)", "SELECT 1; INSERT INTO t VALUES (1)",
            "REFRESH MATERIALIZED VIEW CONCURRENTLY v"})
    void aStatementThatCannotCommitInsideItselfStillDidNotTakeEffect(String sql) {
        assertThat(LostExchanges.tell(endedBy("FATAL", "57P01"), new Exchange[] {written(new Lost(sql), 1)}, 'I', UP_TO_3)[0])
                .isExactlyInstanceOf(PgClosedException.class).hasMessageContaining("did not take effect");
        assertThat(LostExchanges.tell(RESET, new Exchange[] {written(new Lost(sql, DUPLICATE), 1)}, 'I', UP_TO_3)[0])
                .isExactlyInstanceOf(PgFailedThenClosedException.class).hasMessageContaining("did not take effect");
    }

    /**
     * A lone statement that commits part of its work inside itself outside a transaction block — CREATE INDEX
     * CONCURRENTLY (its catalog entry is committed before the build: a failed or terminated one leaves an invalid
     * index), VACUUM (a transaction per table), REINDEX CONCURRENTLY, CREATE/DROP DATABASE, DETACH PARTITION
     * CONCURRENTLY, CLUSTER, ANALYZE of several tables ... — is unknown after the server's FATAL or its error, as the
     * script rule already said of it (one rule, {@code TransactionalText}). Inside a block it is refused at once: did
     * not take effect. Seen failing before: "did not take effect" outside a block too.
     */
    @ParameterizedTest
    @ValueSource(strings = {"CREATE UNIQUE INDEX CONCURRENTLY i ON t (v)", "VACUUM t", "vacuum", "REINDEX INDEX CONCURRENTLY i",
            "CREATE DATABASE d", "DROP DATABASE d", "ALTER TABLE p DETACH PARTITION c CONCURRENTLY", "DROP INDEX CONCURRENTLY i",
            "CLUSTER", "ANALYZE", "ALTER SYSTEM SET work_mem = '1MB'", "SELECT 1; VACUUM t"})
    void aStatementThatCommitsPartOfItsWorkInsideItselfIsUnknownAfterTheServersFatalOrItsError(String sql) {
        for (PgClosedException end : new PgClosedException[] {endedBy("FATAL", "57P01"), RESET}) {
            PgException error = end == RESET ? DUPLICATE : null;
            assertThat(LostExchanges.tell(end, new Exchange[] {written(new Lost(sql, error), 1)}, 'I', UP_TO_3)[0])
                    .as("%s, outside a block", end.getMessage()).isInstanceOf(PgOutcomeUnknownException.class);
            assertThat(LostExchanges.tell(end, new Exchange[] {written(new Lost(sql, error), 1)}, 'T', UP_TO_3)[0])
                    .as("%s, inside a block", end.getMessage()).isNotInstanceOf(PgOutcomeUnknownException.class)
                    .hasMessageContaining("did not take effect");
        }
    }

    /**
     * A statement whose ErrorResponse (23505) was read, lost before its ReadyForQuery: the server's error proves it did
     * not take effect (its implicit transaction, or the block, failed), and the caller still gets that error, as the
     * cause. Seen failing before: an unknown outcome, the 23505 gone. A CALL outside a block may have committed before
     * its error: unknown.
     */
    @Test
    void aStatementTheServerHadFailedDidNotTakeEffectAndCarriesTheServersError() {
        PgException duplicate = new io.pgconn.PgServerException("db:5432", "server db:5432 reported ERROR: duplicate key (SQLSTATE 23505)",
                new ServerErrorFields(Map.of('S', "ERROR", 'V', "ERROR", 'C', "23505", 'M', "duplicate key")), null);

        for (PgClosedException end : new PgClosedException[] {RESET, endedBy("FATAL", "57P01")}) {
            PgException told = LostExchanges.tell(end, new Exchange[] {written(new Lost(null, duplicate), 1), sentIn(1)}, 'I', UP_TO_3)[0];
            assertThat(told).isExactlyInstanceOf(PgFailedThenClosedException.class).hasCause(duplicate)
                    .hasMessageContaining("; the server had failed the statement (SQLSTATE 23505) before the session ended, so it did not take effect");
        }
        assertThat(LostExchanges.tell(RESET, new Exchange[] {written(new Lost("CALL p()", duplicate), 1)}, 'I', UP_TO_3)[0])
                .as("a procedure may have committed before its error").isInstanceOf(PgOutcomeUnknownException.class);
        assertThat(LostExchanges.tell(RESET, new Exchange[] {written(new Lost("CALL p()", duplicate), 1)}, 'T', UP_TO_3)[0])
                .hasCause(duplicate).hasMessageContaining("did not take effect");
    }

    /**
     * The server's error is the cause of a statement it failed before the end; how the session ended — a reset's
     * IOException, the end's own cause — stays in the stack trace as a suppressed exception, and {@code sessionEnd()}
     * gives the end (REVIEW-18 M2's second half). Seen failing before: the IOException was dropped.
     */
    @Test
    void aStatementTheServerHadFailedKeepsHowTheSessionEndedAsSuppressed() {
        java.io.IOException reset = new java.io.IOException("Connection reset by peer");
        PgClosedException ended = new PgClosedException("db:5432", RESET.getMessage(), RESET.serverFields(), reset);
        PgException told = LostExchanges.tell(ended, new Exchange[] {written(new Lost(null, DUPLICATE), 1)}, 'I', UP_TO_3)[0];

        assertThat(told).isExactlyInstanceOf(PgFailedThenClosedException.class).hasCause(DUPLICATE);
        assertThat(told.getSuppressed()).containsExactly(reset);
        assertThat(((PgFailedThenClosedException) told).sessionEnd()).isSameAs(ended);
    }

    /**
     * A COPY the client refused (its own error, then the server's answering the CopyFail), lost before the ReadyForQuery:
     * did not take effect, and the note names no SQLSTATE it does not have. Seen failing before: "(SQLSTATE null)".
     */
    @Test
    void aRefusedCopyTheServerHadFailedNamesNoMissingSqlState() {
        PgException refused = io.pgconn.internal.query.CopyRefusal.notSupported("db:5432", true);
        assertThat(LostExchanges.tell(RESET, new Exchange[] {written(new Lost("COPY t FROM STDIN", refused), 1)}, 'I', UP_TO_3)[0])
                .isExactlyInstanceOf(PgFailedThenClosedException.class).hasCause(refused)
                .hasMessageContaining("; the server had failed the statement before the session ended, so it did not take effect")
                .hasMessageNotContaining("null");
    }

    /** A PANIC (a failure after a commit record) and a pooler's class-08 FATAL say nothing of the running statement. */
    @Test
    void aPanicOrAConnectionExceptionFatalLeavesTheRunningStatementUnknown() {
        PgException[] panic = LostExchanges.tell(endedBy("PANIC", "XX000"), new Exchange[] {sentIn(1), sentIn(1)}, 'I', UP_TO_3);
        assertThat(panic[0]).isInstanceOf(PgOutcomeUnknownException.class);
        assertThat(panic[1]).as("the crashed process read nothing after it").hasMessageContaining("did not take effect");

        PgException[] pooler = LostExchanges.tell(endedBy("FATAL", "08P01"), new Exchange[] {sentIn(1), sentIn(1)}, 'I', UP_TO_3);
        assertThat(pooler).allSatisfy(e -> assertThat(e).isInstanceOf(PgOutcomeUnknownException.class));
    }

    /**
     * A place in the FIFO that runs nothing (InFlightEnd, a caller's wait for what is in flight) hears the end as it is
     * when nothing ahead of it has an unknown outcome (here: a statement rolled back with its block).
     */
    @Test
    void anExchangeThatRunsNoStatementHearsTheEndAsItIs() {
        PgException[] told = LostExchanges.tell(RESET, new Exchange[] {sentIn(1), new InFlightEnd(), unwritten()}, 'T', UP_TO_3);

        assertThat(told[0]).hasMessageContaining("inside a transaction block");
        assertThat(told[1]).isSameAs(RESET);
        assertThat(told[2]).hasMessageContaining("was not sent");
    }

    /**
     * REVIEW-34 R34-4: behind a statement whose outcome is unknown — the work's own COMMIT left unawaited, sent, its
     * answer lost — the wait for what is in flight has that unknown outcome too, not the bare end (which the starter's
     * PgConnSessions told as "the COMMIT was not sent: the transaction did not commit", a retry then applying the work
     * twice). An InFlightEnd passes it on as it is.
     */
    @Test
    void aPlaceBehindAnUnknownOutcomeHasThatUnknownOutcome() {
        InFlightEnd end = new InFlightEnd();
        PgException[] told = LostExchanges.tell(RESET, new Exchange[] {sentIn(1), endSentIn(2), end}, 'T', UP_TO_3);

        assertThat(told[1]).isInstanceOf(PgOutcomeUnknownException.class);
        assertThat(told[2]).isSameAs(told[1]);
        end.fail(told[2]);
        assertThat(end.status).isCompletedExceptionally();
        assertThat(end.status.handle((status, e) -> e).join()).isSameAs(told[1]);
    }

    /** An error without a SQLSTATE ends the session as a pooler's or proxy's word would: nothing known of what ran. */
    @Test
    void aFatalWithoutASqlStateSaysNothingOfWhatRan() {
        ServerErrorFields noCode = new ServerErrorFields(Map.of('S', "FATAL", 'V', "FATAL", 'M', "ended"));
        PgClosedException fatal = new PgClosedException("db:5432", "connection to db:5432 closed: server reported FATAL", noCode, null);

        assertThat(LostExchanges.tell(fatal, new Exchange[] {sentIn(1), sentIn(1)}, 'I', UP_TO_3))
                .allSatisfy(e -> assertThat(e).isInstanceOf(PgOutcomeUnknownException.class));
    }

    /**
     * A request submitted after the session ended was never sent and says so, with what ended the session (the
     * server's FATAL): user13's F7 — it read as plain "connection ... closed: ... FATAL ...", alike for one that
     * ran and one that never left the client.
     */
    @Test
    void oneSubmittedAfterTheEndSaysItWasNotSent() {
        PgClosedException fatal = endedBy("FATAL", "57P01");

        assertThat(LostExchanges.submittedAfterTheEnd(fatal)).isExactlyInstanceOf(PgClosedException.class)
                .hasMessage(fatal.getMessage() + "; the statement was not sent, so it did not run")
                .satisfies(e -> assertThat(((PgException) e).serverFields().code()).isEqualTo("57P01"));
        PgProtocolException protocol = new PgProtocolException("db:5432", "bad");
        assertThat(LostExchanges.submittedAfterTheEnd(protocol)).isSameAs(protocol);
    }

    /**
     * Inside a transaction block (the last ReadyForQuery said so, nothing before it may end it) a sent statement is
     * rolled back with the session — unless a statement sent after it may end the block (a COMMIT): then its fate is
     * that commit's. A statement that may end the block is never taken as rolled back, nor is what comes after it.
     */
    @Test
    void insideATransactionBlockASentStatementIsRolledBackUnlessAnEndOfTheBlockWasSentAfterIt() {
        PgException[] noEnd = LostExchanges.tell(RESET, new Exchange[] {sentIn(1), sentIn(2), unwrittenEnd()}, 'T', UP_TO_3);
        assertThat(noEnd[0]).isExactlyInstanceOf(PgClosedException.class)
                .hasMessageContaining("sent inside a transaction block, which ends with the session without committing");
        assertThat(noEnd[1]).isSameAs(noEnd[0]);
        assertThat(noEnd[2]).as("the COMMIT was not sent").hasMessageContaining("was not sent");

        PgException[] commitSent = LostExchanges.tell(RESET, new Exchange[] {sentIn(1), endSentIn(2), sentIn(3)}, 'T', UP_TO_3);
        assertThat(commitSent).allSatisfy(e -> assertThat(e).isInstanceOf(PgOutcomeUnknownException.class));

        PgException[] failedBlock = LostExchanges.tell(RESET, new Exchange[] {sentIn(1)}, 'E', UP_TO_3);
        assertThat(failedBlock[0]).hasMessageContaining("inside a transaction block");

        PgException[] idle = LostExchanges.tell(RESET, new Exchange[] {sentIn(1)}, 'I', UP_TO_3);
        assertThat(idle[0]).isInstanceOf(PgOutcomeUnknownException.class);
    }

    /**
     * New user 19's F1: a BEGIN (a SET, a SAVEPOINT, a ROLLBACK ...) whose answer was lost with the session can have left
     * nothing that outlives the session, whether it ran or not: a plain closed error that says so (R2DBC: transient),
     * not an unknown outcome with advice to check. Seen failing before: PgOutcomeUnknownException "check before
     * repeating it" — also for a ROLLBACK sent inside a block, which may end it. What stays unknown: a text with one
     * statement that may outlive the session (a NOTIFY, a SELECT, a commit), and what is behind a BEGIN pipelined ahead.
     */
    @ParameterizedTest
    @ValueSource(strings = {"BEGIN", "BEGIN ISOLATION LEVEL SERIALIZABLE; SET LOCAL lock_timeout = 100", "SET search_path = app",
            "SAVEPOINT \"s\"", "ROLLBACK", "ROLLBACK TO SAVEPOINT \"s\"", "LISTEN c", "SHOW work_mem", "DISCARD ALL"})
    void aLostStatementThatCanChangeOnlyTheSessionCanBeRepeated(String sql) {
        for (char status : new char[] {'I', 'T'}) {
            PgException told = LostExchanges.tell(RESET, new Exchange[] {written(new Lost(sql), 1), endSentIn(1)}, status, UP_TO_3)[0];
            assertThat(told).as("%s at %s", sql, status).isExactlyInstanceOf(PgClosedException.class).hasMessage(RESET.getMessage()
                    + "; the statement could change only the session, which has ended, so nothing of it remains: it can be repeated on a new connection");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"NOTIFY c", "SELECT 1", "COMMIT", "ROLLBACK PREPARED 'x'", "PREPARE TRANSACTION 'x'", "SET CONSTRAINTS ALL IMMEDIATE",
            "BEGIN; INSERT INTO t VALUES (1); COMMIT", "SET x.y = 1; SELECT f()"})
    void aLostStatementThatMayOutliveTheSessionStaysUnknown(String sql) {
        assertThat(LostExchanges.tell(RESET, new Exchange[] {written(new Lost(sql), 1)}, 'I', UP_TO_3)[0])
                .isInstanceOf(PgOutcomeUnknownException.class);
        assertThat(LostExchanges.tell(RESET, new Exchange[] {written(new Lost("BEGIN"), 1), sentIn(1)}, 'I', UP_TO_3)[1])
                .as("behind a pipelined BEGIN: taken as outside a block").isInstanceOf(PgOutcomeUnknownException.class);
    }

    @Test
    void aFailureThatIsNoClosedConnectionIsEveryonesAsItIs() {
        PgProtocolException protocol = new PgProtocolException("db:5432", "bad");

        assertThat(LostExchanges.tell(protocol, new Exchange[] {sentIn(1), unwritten()}, 'I', UP_TO_3)).containsOnly(protocol);
    }

    /**
     * REVIEW-26 R26-5: a statement that carried its transaction's BEGIN in front (DeferredBegin) ran, if at all, inside
     * the block that BEGIN opened, though the last ReadyForQuery said idle: lost with the connection, it was rolled back
     * with the block (as after an awaited begin()), not an unknown outcome; what was held behind it was not sent.
     */
    @Test
    void aStatementThatCarriedItsBeginWasRolledBackWithTheBlock() {
        Exchange carrier = sentIn(1);
        new DeferredBegin("BEGIN", false).carriedBy(carrier, true);

        PgException[] told = LostExchanges.tell(RESET, new Exchange[] {carrier, unwritten()}, 'I', UP_TO_3);

        assertThat(told[0]).isExactlyInstanceOf(PgClosedException.class).hasMessageContaining("inside a transaction block");
        assertThat(told[1]).hasMessageContaining("was not sent");
        assertThat(LostExchanges.tell(RESET, new Exchange[] {sentIn(1)}, 'I', UP_TO_3)[0])
                .as("without the BEGIN in front").isInstanceOf(PgOutcomeUnknownException.class);
    }

    /** The HINT of a FATAL stays under the first line, which gets the note. */
    @Test
    void theNoteGoesOnTheFirstLine() {
        PgClosedException hinted = new PgClosedException("db:5432", "connection to db:5432 closed: FATAL: x\nHINT: y");

        assertThat(LostExchanges.tell(hinted, new Exchange[] {unwritten()}, 'I', UP_TO_3)[0])
                .hasMessage("connection to db:5432 closed: FATAL: x; the statement was not sent, so it did not run\nHINT: y");
    }

    private static Exchange sentIn(long batch) {
        return written(new Lost(true, false, false), batch);
    }

    private static Exchange endSentIn(long batch) {
        return written(new Lost(true, true, false), batch);
    }

    private static Exchange unwritten() {
        return new Lost(true, false, false);
    }

    private static Exchange unwrittenEnd() {
        return new Lost(true, true, false);
    }

    private static Exchange written(Exchange e, long batch) {
        e.writtenAt(0, batch);
        return e;
    }

    private static PgClosedException endedBy(String severity, String code) {
        ServerErrorFields fields = new ServerErrorFields(Map.of('S', severity, 'V', severity, 'C', code, 'M', "ended"));
        return new PgClosedException("db:5432", "connection to db:5432 closed: server reported " + severity + " " + code, fields, null);
    }

    /** An exchange as the FIFO sees it: whether its execution is written, whether it may end a block, whether it read a CommandComplete. */
    private static final class Lost extends StubExchange {
        private final boolean execution;
        private final boolean endsBlock;
        private final boolean completed;
        private final String text;
        private final PgException serverError;

        /** A sent simple statement with this text: whether it may commit inside itself is read from it. */
        Lost(String text) {
            this(text, null);
        }

        /** ... whose ErrorResponse {@code serverError} was read (null: none). */
        Lost(String text, PgException serverError) {
            this(true, false, false, text, serverError);
        }

        Lost(boolean execution, boolean endsBlock, boolean completed) {
            this(execution, endsBlock, completed, null, null);
        }

        /** {@code execution}: its first write carries its execution (false: described first, Bind/Execute never written). */
        private Lost(boolean execution, boolean endsBlock, boolean completed, String text, PgException serverError) {
            this.execution = execution;
            this.endsBlock = endsBlock;
            this.completed = completed;
            this.text = text;
            this.serverError = serverError;
        }

        @Override
        protected PgException serverErrorRead() {
            return serverError;
        }

        @Override
        public String text() {
            return text;
        }

        @Override
        public boolean executionWritten() {
            return execution && written();
        }

        @Override
        public boolean mayEndTransaction() {
            return endsBlock;
        }

        @Override
        public boolean completedAny() {
            return completed;
        }
    }
}
