package io.pgconn.internal.session;

import io.pgconn.PgException;
import io.pgconn.internal.protocol.backend.BackendMessage;
import io.pgconn.internal.protocol.frontend.FrontendMessage;
import io.pgconn.internal.query.Exchange;
import io.pgconn.internal.query.QuerySession;
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
        return new Exchange() {
            @Override
            public FrontendMessage messages(QuerySession session) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void onMessage(BackendMessage message) {
            }

            @Override
            public void onReady(char status) {
            }

            @Override
            public void fail(PgException error) {
            }

            @Override
            public boolean mayEndTransaction() {
                return false;
            }
        };
    }

    private final CountingEpoch epoch = new CountingEpoch();
    private final List<Map<String, Integer>> applied = new ArrayList<>();
    private final SessionTypeOids watched = new SessionTypeOids(List.of("mood"), epoch, 0, applied::add);

    @Test
    void typeDdlMovesTheEpochWhenItsTransactionEndsNotBefore() {
        watched.commandCompleted("CREATE TYPE");
        watched.readyForQuery('T');
        assertThat(epoch.current).as("inside the transaction").isZero();
        watched.readyForQuery('I');
        assertThat(epoch.current).isEqualTo(1);
        watched.readyForQuery('I');
        assertThat(epoch.current).as("once per type-changing transaction").isEqualTo(1);
    }

    @Test
    void otherCommandsMoveNothing() {
        watched.commandCompleted("CREATE TABLE");
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
    void anUnwatchedSessionIsNeverStaleQueuesNothingAndItsTypeDdlMovesNothing() {
        SessionTypeOids unwatched = SessionTypeOids.unwatched();
        unwatched.commandCompleted("CREATE TYPE");
        unwatched.readyForQuery('I');
        assertThat(unwatched.stale()).isFalse();
        assertThat(unwatched.refreshBefore(true, 'I', "db:5432")).isNull();
    }
}
