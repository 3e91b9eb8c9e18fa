package io.pgconn.internal.query;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-connection statement cache: LRU order, Close queue for evicted and invalidated statements, DISCARD ALL. */
class StatementCacheTest {

    private static final int[] NO_TYPES = new int[0];

    @Test
    void evictsTheLeastRecentlyUsedAndQueuesItsClose() {
        StatementCache cache = new StatementCache(2);
        StatementCache.Entry a = cache.create("A", NO_TYPES);
        StatementCache.Entry b = cache.create("B", NO_TYPES);
        assertThat(cache.get("A", NO_TYPES)).isSameAs(a); // A is now the most recent
        cache.create("C", NO_TYPES);
        assertThat(cache.get("B", NO_TYPES)).isNull();
        assertThat(cache.drainToClose()).containsExactly(b.name());
        assertThat(cache.drainToClose()).isEmpty();
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void parameterTypesArePartOfTheKeyAndNamesAreNeverReused() {
        StatementCache cache = new StatementCache(10);
        StatementCache.Entry asInt = cache.create("SELECT $1", new int[]{23});
        StatementCache.Entry asText = cache.create("SELECT $1", new int[]{25});
        assertThat(cache.get("SELECT $1", new int[]{23})).isSameAs(asInt);
        assertThat(asText.name()).isNotEqualTo(asInt.name());
        cache.invalidate(asInt);
        StatementCache.Entry again = cache.create("SELECT $1", new int[]{23});
        assertThat(again.name()).isNotEqualTo(asInt.name());
        assertThat(cache.drainToClose()).containsExactly(asInt.name());
    }

    @Test
    void discardAllForgetsEverythingWithoutClosing() {
        StatementCache cache = new StatementCache(1);
        cache.create("A", NO_TYPES);
        cache.create("B", NO_TYPES); // A queued for Close
        cache.serverDiscardedAll(cache.mark());
        assertThat(cache.size()).isZero();
        assertThat(cache.drainToClose()).isEmpty();
    }

    @Test
    void discardAllKeepsWhatWasMadeAfterItsExchangeWasWritten() {
        StatementCache cache = new StatementCache(2);
        StatementCache.Entry a = cache.create("A", NO_TYPES);
        long discardWritten = cache.mark();
        StatementCache.Entry b = cache.create("B", NO_TYPES); // parsed by an exchange written after the DISCARD ALL
        StatementCache.Entry c = cache.create("C", NO_TYPES); // evicts A: its Close is useless now
        cache.create("D", NO_TYPES); // evicts B: that statement exists, its Close must go out
        cache.serverDiscardedAll(discardWritten);
        assertThat(cache.get("C", NO_TYPES)).isSameAs(c);
        assertThat(cache.drainToClose()).containsExactly(b.name()).doesNotContain(a.name());
    }

    @Test
    void sizeZeroIsDisabled() {
        assertThat(new StatementCache(0).enabled()).isFalse();
    }
}
