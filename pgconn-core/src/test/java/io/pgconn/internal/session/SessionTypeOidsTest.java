package io.pgconn.internal.session;

import io.pgconn.internal.query.Exchange;
import io.pgconn.internal.query.StubExchange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A session's side of the factory's type OID knowledge, and the unwatched one a session starts with. */
class SessionTypeOidsTest {

    /** A factory's epoch, counting its moves. */
    private static final class CountingEpoch implements TypeOidEpoch {
        long current;

        @Override
        public long current() {
            return current;
        }

        @Override
        public void advance() {
            current++;
        }
    }

    /** A statement that cannot end a transaction. */
    private static Exchange notEndingATransaction() {
        return statement("SELECT 1", false);
    }

    /** A statement of {@code text}. */
    private static Exchange statement(String text, boolean mayEndTransaction) {
        return new StubExchange() {
            @Override
            public boolean mayEndTransaction() {
                return mayEndTransaction;
            }

            @Override
            public String text() {
                return text;
            }
        };
    }

    private final CountingEpoch epoch = new CountingEpoch();
    private final List<Map<String, Integer>> applied = new ArrayList<>();
    private final SessionTypeOids watched = new SessionTypeOids(List.of("mood"), epoch, 0, null, applied::add);

    @Test
    void typeDdlMovesTheEpochWhenItsTransactionEndsNotBefore() {
        watched.commandCompleted("CREATE TYPE", statement("CREATE TYPE mood AS ENUM ('ok')", false));
        watched.readyForQuery('T');
        assertThat(epoch.current).as("inside the transaction").isZero();
        watched.readyForQuery('I');
        assertThat(epoch.current).isEqualTo(1);
        watched.readyForQuery('I');
        assertThat(epoch.current).as("once per type-changing transaction").isEqualTo(1);
    }

    @Test
    void otherCommandsMoveNothing() {
        watched.commandCompleted("CREATE TABLE", statement("CREATE TEMP TABLE scratch (id int)", false));
        watched.readyForQuery('I');
        assertThat(epoch.current).isZero();
        assertThat(watched.stale()).isFalse();
    }

    @Test
    void aStaleSessionQueuesOneLookupAlsoBehindStatementsInFlightAndIsCurrentOnceItIsAnswered() {
        epoch.advance();
        assertThat(watched.stale()).isTrue();
        assertThat(watched.refreshBefore(false, 'I', "db:5432")).as("behind what is in flight: it waits for its turn")
                .isInstanceOf(TypeOidRefresh.class);
        assertThat(watched.refreshBefore(true, 'I', "db:5432")).as("one is already queued").isNull();
        watched.refreshed(1, Map.of("mood", 16_385));
        assertThat(watched.stale()).isFalse();
        assertThat(applied).containsExactly(Map.of("mood", 16_385));
        assertThat(watched.refreshBefore(true, 'I', "db:5432")).as("current").isNull();
    }

    @Test
    void aLookupThatMetATransactionIsQueuedAgainBehindAStatementThatMayEndIt() {
        epoch.advance();
        TypeOidRefresh lookup = (TypeOidRefresh) watched.refreshBefore(false, 'I', "db:5432");
        assertThat(lookup.waitsToBeHead()).isTrue();
        assertThat(lookup.leavesUnwritten('I')).isFalse();
        assertThat(lookup.leavesUnwritten('T')).isTrue();
        assertThat(lookup.leavesUnwritten('E')).isTrue();
        lookup.leftUnwritten();
        assertThat(watched.refreshBefore(false, 'I', "db:5432")).as("waits for the transaction's end").isNull();
        assertThat(watched.refreshAfter(notEndingATransaction(), "db:5432")).isNull();
        assertThat(watched.refreshAfter(new SimpleQuery("COMMIT", "db:5432"), "db:5432")).isInstanceOf(TypeOidRefresh.class);
        assertThat(watched.refreshAfter(new SimpleQuery("COMMIT", "db:5432"), "db:5432")).as("queued").isNull();
    }

    @Test
    void aSubmitInsideATransactionWithNothingInFlightWaitsForItsEnd() {
        epoch.advance();
        assertThat(watched.refreshBefore(true, 'T', "db:5432")).isNull();
        assertThat(watched.refreshBefore(true, 'I', "db:5432")).as("waiting for a statement that may end it").isNull();
        assertThat(watched.refreshAfter(new SimpleQuery("ROLLBACK", "db:5432"), "db:5432")).isInstanceOf(TypeOidRefresh.class);
    }

    @Test
    void tableDdlMovesTheEpochWhenItsTextNamesALookedUpType() {
        watched.commandCompleted("CREATE TABLE", statement("CREATE TABLE public.Mood (id int)", false));
        watched.readyForQuery('I');
        assertThat(epoch.current).as("a table named mood has a row type mood").isEqualTo(1);
        watched.commandCompleted("DROP VIEW", statement("DROP VIEW moods", false));
        watched.commandCompleted("ALTER TABLE", statement("ALTER TABLE t ADD COLUMN mood_id int", false));
        watched.readyForQuery('I');
        assertThat(epoch.current).as("mood only as part of other names").isEqualTo(1);
        watched.commandCompleted("CREATE TABLE", statement(null, true));
        watched.readyForQuery('I');
        assertThat(epoch.current).as("a text not known (a script)").isEqualTo(2);
    }

    /** Before PostgreSQL 18 {@link ServerReports} reads the SET tags ({@code ServerReportsSearchPathTest}) and says so. */
    @Test
    void aSearchPathSetUnreportedMakesOnlyThisSessionStale() {
        watched.commandCompleted("SET", statement("SET search_path TO tenant_2, public", false));
        watched.readyForQuery('I');
        assertThat(watched.stale()).as("the tags are not its to read").isFalse();
        watched.searchPathSetUnreported();
        assertThat(watched.stale()).isTrue();
        assertThat(epoch.current).as("the factory's other sessions are not concerned").isZero();
        TypeOidRefresh lookup = (TypeOidRefresh) watched.refreshBefore(true, 'I', "db:5432");
        assertThat(lookup).isNotNull();
        watched.refreshed(0, Map.of("mood", 16_390));
        assertThat(watched.stale()).isFalse();
    }

    @Test
    void onAServerThatReportsTheSearchPathItsReportsSayWhenItChanged() {
        SessionTypeOids reported = new SessionTypeOids(List.of("mood"), epoch, 0, "\"$user\", public", applied::add);
        reported.commandCompleted("SET", statement("SET search_path TO tenant_2", false));
        reported.readyForQuery('I');
        assertThat(reported.stale()).as("the tag is not read: the report comes when it really changed").isFalse();
        reported.searchPathChanged("tenant_2");
        assertThat(reported.stale()).isTrue();
        SessionTypeOids.unwatched().searchPathChanged("tenant_2");
        assertThat(SessionTypeOids.unwatched().stale()).isFalse();
    }

    /**
     * NEW-USER-26: a path set for one transaction ({@code set_config('search_path', ..., true)}, {@code SET LOCAL}) is
     * reported back at its end; the lookup queued behind the statement that ended it leaves unwritten at its turn, and
     * none is queued by the next submit. A path that stays another is looked up, and its answer holds for it.
     */
    @Test
    void aSearchPathBackToTheOneTheAnswerWasGivenUnderNeedsNoLookup() {
        SessionTypeOids reported = new SessionTypeOids(List.of("mood"), epoch, 0, "\"$user\", public", applied::add);
        reported.searchPathChanged("tenant_2, public");
        assertThat(reported.stale()).isTrue();
        assertThat(reported.refreshBefore(true, 'T', "db:5432")).as("inside the transaction: after its end").isNull();
        TypeOidRefresh lookup = (TypeOidRefresh) reported.refreshAfter(new SimpleQuery("COMMIT", "db:5432"), "db:5432");
        assertThat(lookup).isNotNull();
        reported.searchPathChanged("\"$user\", public"); // the COMMIT's reports, before its ReadyForQuery
        assertThat(reported.stale()).isFalse();
        assertThat(lookup.leavesUnwritten('I')).as("current again at its turn").isTrue();
        lookup.leftUnwritten();
        assertThat(reported.mayQueueLookup()).as("none queued, none due").isFalse();
        assertThat(reported.refreshBefore(true, 'I', "db:5432")).isNull();

        reported.searchPathChanged("tenant_3");
        TypeOidRefresh stays = (TypeOidRefresh) reported.refreshBefore(true, 'I', "db:5432");
        assertThat(stays.leavesUnwritten('I')).as("another path at its turn: written").isFalse();
        reported.refreshed(0, Map.of("mood", 16_390));
        assertThat(reported.stale()).isFalse();
        reported.searchPathChanged("\"$user\", public");
        assertThat(reported.stale()).as("the answer was given under tenant_3 now").isTrue();
    }

    /**
     * NEW-USER-26 F2: a tenant's path set for the session per request. A path this session was answered under before,
     * at the same epoch, binds that answer again at the lookup's turn, which leaves unwritten; a path not seen, an
     * epoch moved (type DDL, {@code forgetTypeOids()}) and a {@code DISCARD ALL} send the lookup; at most
     * {@value SearchPathAnswers#PATHS} paths are kept, the least recently used forgotten.
     */
    @Test
    void aSearchPathAnsweredBeforeAtTheSameEpochNeedsNoLookup() {
        SessionTypeOids reported = new SessionTypeOids(List.of("mood"), epoch, 0, "public", Map.of("mood", 1), applied::add);
        assertThat(lookupAtItsTurn(reported, "tenant_a")).as("not seen: written").isFalse();
        reported.refreshed(0, Map.of("mood", 2));
        assertThat(lookupAtItsTurn(reported, "public")).as("the connect path's answer").isTrue();
        assertThat(applied).containsExactly(Map.of("mood", 2), Map.of("mood", 1));
        assertThat(reported.stale()).isFalse();
        assertThat(lookupAtItsTurn(reported, "tenant_a")).isTrue();
        assertThat(applied).last().isEqualTo(Map.of("mood", 2));
        assertThat(reported.mayQueueLookup()).as("none queued, none due").isFalse();

        TypeOidRefresh inTransaction = lookup(reported, "public");
        assertThat(inTransaction.leavesUnwritten('T')).as("a transaction open at its turn").isTrue();
        inTransaction.leftUnwritten();
        TypeOidRefresh afterCommit = (TypeOidRefresh) reported.refreshAfter(statement("COMMIT", true), "db:5432");
        assertThat(afterCommit.leavesUnwritten('I')).as("behind the COMMIT: the path's answer again").isTrue();
        afterCommit.leftUnwritten();
        assertThat(applied).last().isEqualTo(Map.of("mood", 1));

        epoch.advance();
        reported.refreshed(0, Map.of("mood", 2)); // asked before the epoch moved
        assertThat(lookupAtItsTurn(reported, "public")).as("an answer of an older epoch").isFalse();
        reported.refreshed(1, Map.of("mood", 3));
        assertThat(lookupAtItsTurn(reported, "tenant_a")).as("answers of the older epoch forgotten").isFalse();
        reported.refreshed(1, Map.of("mood", 4));
        assertThat(reported.pathsAnswered()).isEqualTo(2);

        reported.commandCompleted("DISCARD ALL", statement("DISCARD ALL", false));
        assertThat(reported.pathsAnswered()).isZero();
        assertThat(lookupAtItsTurn(reported, "public")).as("after DISCARD ALL").isFalse();
        reported.refreshed(1, Map.of("mood", 3));

        for (int tenant = 0; tenant < SearchPathAnswers.PATHS; tenant++) {
            assertThat(lookupAtItsTurn(reported, "tenant_" + tenant)).isFalse();
            reported.refreshed(1, Map.of("mood", 100 + tenant));
        }
        assertThat(reported.pathsAnswered()).isEqualTo(SearchPathAnswers.PATHS);
        assertThat(lookupAtItsTurn(reported, "tenant_1")).isTrue();
        assertThat(lookupAtItsTurn(reported, "public")).as("the least recently used, forgotten").isFalse();
        reported.refreshed(1, Map.of("mood", 3));
        assertThat(lookupAtItsTurn(reported, "tenant_1")).as("used since").isTrue();
        assertThat(lookupAtItsTurn(reported, "tenant_0")).as("the least recently used now, forgotten").isFalse();
    }

    /**
     * REVIEW-29 R29-9's residual: an enum created elsewhere (no epoch moves) between the answers of two paths. The enum
     * arrays are the database's: a path's kept answer is bound with the latest lookup's, so a switch back to it binds an
     * answer equal to the one bound when its names resolve alike (BoundTypeOids then changes nothing), not the older list.
     */
    @Test
    void aPathsKeptAnswerIsBoundWithTheLatestEnumArrays() {
        String before = io.pgconn.codec.CodecRegistry.enumArrayKey(16_400);
        String created = io.pgconn.codec.CodecRegistry.enumArrayKey(16_500);
        SessionTypeOids reported = new SessionTypeOids(List.of("mood"), epoch, 0, "public", Map.of("mood", 1, before, 16_400),
                applied::add);
        assertThat(lookupAtItsTurn(reported, "tenant_a")).isFalse();
        reported.refreshed(0, Map.of("mood", 1, before, 16_400, created, 16_500));
        assertThat(lookupAtItsTurn(reported, "public")).isTrue();
        assertThat(applied).last().as("public's kept answer with the enums the latest lookup found")
                .isEqualTo(Map.of("mood", 1, before, 16_400, created, 16_500));
        assertThat(lookupAtItsTurn(reported, "tenant_a")).isTrue();
        assertThat(applied).last().isEqualTo(Map.of("mood", 1, before, 16_400, created, 16_500));
    }

    @Test
    void beforePostgreSql18NoAnswerIsKeptByPath() {
        watched.refreshed(0, Map.of("mood", 2));
        watched.searchPathSetUnreported();
        assertThat(watched.refreshBefore(true, 'I', "db:5432").leavesUnwritten('I')).as("the path's value is not known").isFalse();
        assertThat(watched.pathsAnswered()).isZero();
    }

    /** The path changes to {@code path}, a statement is submitted, and its lookup comes to its turn: whether it leaves unwritten. */
    private static boolean lookupAtItsTurn(SessionTypeOids oids, String path) {
        TypeOidRefresh lookup = lookup(oids, path);
        boolean unwritten = lookup.leavesUnwritten('I');
        if (unwritten) {
            lookup.leftUnwritten();
        }
        return unwritten;
    }

    private static TypeOidRefresh lookup(SessionTypeOids oids, String path) {
        oids.searchPathChanged(path);
        TypeOidRefresh lookup = (TypeOidRefresh) oids.refreshBefore(true, 'I', "db:5432");
        assertThat(lookup).as("a lookup queued for " + path).isNotNull();
        return lookup;
    }

    @Test
    void anUnwatchedSessionIsNeverStaleQueuesNothingAndItsTypeDdlMovesNothing() {
        SessionTypeOids unwatched = SessionTypeOids.unwatched();
        unwatched.commandCompleted("CREATE TYPE", statement("CREATE TYPE mood AS ENUM ('ok')", false));
        unwatched.readyForQuery('I');
        assertThat(unwatched.stale()).isFalse();
        assertThat(unwatched.refreshBefore(true, 'I', "db:5432")).isNull();
    }
}
