package io.pgconn.internal.session;

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
    void aStaleSessionQueuesOneLookupOutsideATransactionAndIsCurrentOnceItIsAnswered() {
        epoch.advance();
        assertThat(watched.stale()).isTrue();
        assertThat(watched.refreshBefore(false, "db:5432")).as("inside a transaction or behind an unanswered exchange").isNull();
        assertThat(watched.refreshBefore(true, "db:5432")).isInstanceOf(TypeOidRefresh.class);
        assertThat(watched.refreshBefore(true, "db:5432")).as("one is already queued").isNull();
        watched.refreshed(1, Map.of("mood", 16_385));
        assertThat(watched.stale()).isFalse();
        assertThat(applied).containsExactly(Map.of("mood", 16_385));
    }

    @Test
    void anUnwatchedSessionIsNeverStaleQueuesNothingAndItsTypeDdlMovesNothing() {
        SessionTypeOids unwatched = SessionTypeOids.unwatched();
        unwatched.commandCompleted("CREATE TYPE");
        unwatched.readyForQuery('I');
        assertThat(unwatched.stale()).isFalse();
        assertThat(unwatched.refreshBefore(true, "db:5432")).isNull();
    }
}
