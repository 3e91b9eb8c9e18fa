package io.pgconn.internal.query;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

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

    /**
     * NEW-USER-26 S10: the server resolves a text's names through the search_path at its Parse, so the same text under
     * another reported path (PostgreSQL 18+) is another entry; back under the first path, the first entry again.
     */
    @Test
    void theReportedSearchPathIsPartOfTheKey() {
        Map<String, String> parameters = new HashMap<>(Map.of("search_path", "t01, public"));
        StatementCache cache = new StatementCache(10, parameters);
        StatementCache.Entry t01 = cache.create("SELECT * FROM items", NO_TYPES);
        assertThat(cache.get("SELECT * FROM items", NO_TYPES)).isSameAs(t01);
        cache.searchPathReported(cache.mark(), "t02, public");
        assertThat(cache.get("SELECT * FROM items", NO_TYPES)).as("not the last used one: another path").isNull();
        StatementCache.Entry t02 = cache.create("SELECT * FROM items", NO_TYPES);
        assertThat(t02.name()).isNotEqualTo(t01.name());
        cache.searchPathReported(cache.mark(), "t01, public");
        assertThat(cache.get("SELECT * FROM items", NO_TYPES)).isSameAs(t01);
        cache.invalidate(t02);
        assertThat(cache.get("SELECT * FROM items", NO_TYPES)).isSameAs(t01);
        assertThat(cache.drainToClose()).containsExactly(t02.name());
    }

    /** REVIEW-26 R26-8: a reported path change drops (and closes) the entries made by exchanges written after its own. */
    @Test
    void aReportedSearchPathDropsTheEntriesMadeBehindTheExchangeThatChangedIt() {
        Map<String, String> parameters = new HashMap<>(Map.of("search_path", "t01, public"));
        StatementCache cache = new StatementCache(10, parameters);
        StatementCache.Entry before = cache.create("SELECT * FROM items", NO_TYPES);
        long switchWrittenAt = cache.mark();
        StatementCache.Entry behind = cache.create("SELECT * FROM orders", NO_TYPES);
        cache.searchPathReported(switchWrittenAt, "t02, public");
        cache.searchPathReported(cache.mark(), "t01, public");
        assertThat(cache.get("SELECT * FROM items", NO_TYPES)).isSameAs(before);
        assertThat(cache.get("SELECT * FROM orders", NO_TYPES)).as("parsed under t02, filed under t01").isNull();
        assertThat(cache.drainToClose()).containsExactly(behind.name());
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

    /** NEW-USER-21 F1: names unique to the connection, so a shared server session never runs another connection's. */
    @Test
    void namesCarryAPrefixUniqueToTheConnection() {
        StatementCache one = new StatementCache(2);
        StatementCache other = new StatementCache(2);
        StatementCache.Entry a = one.create("SELECT $1", new int[]{23});
        StatementCache.Entry b = other.create("SELECT $1", new int[]{23});
        assertThat(a.name()).matches("pgconn_[0-9a-z]{1,10}_1").startsWith(one.namePrefix());
        assertThat(b.name()).matches("pgconn_[0-9a-z]{1,10}_1").isNotEqualTo(a.name());
    }

    @Test
    void aSharedServerSessionTurnsTheCacheOffAndClosesWhatWasParsed() {
        StatementCache cache = new StatementCache(4);
        StatementCache.Entry parsed = cache.create("A", NO_TYPES);
        parsed.parsed = true;
        StatementCache.Entry refused = cache.create("B", NO_TYPES); // its Parse met another client's statement by its name
        cache.serverSessionShared(refused);
        assertThat(cache.enabled()).isFalse();
        assertThat(cache.size()).isZero();
        assertThat(cache.drainToClose()).containsExactly(parsed.name()).doesNotContain(refused.name());
    }

    @Test
    void aDeallocateExplainsAMissingStatementMadeBeforeIt() {
        StatementCache cache = new StatementCache(4);
        StatementCache.Entry before = cache.create("A", NO_TYPES);
        cache.serverDeallocated(cache.mark());
        StatementCache.Entry after = cache.create("B", NO_TYPES);
        assertThat(cache.mayHaveBeenDeallocated(before)).isTrue();
        assertThat(cache.mayHaveBeenDeallocated(after)).isFalse();
        assertThat(cache.enabled()).as("a DEALLOCATE leaves the cache on").isTrue();
    }

    /**
     * A type lookup's answer moved a type to another OID (dropped and created again, or another schema's under a new
     * search path): only the statements that use the old OID go, each closed — by a parameter type, a result column
     * type, a text naming the type as a word — and those not described yet (their columns are not known); the rest stay,
     * also a text naming a longer type that contains the name ({@code moods}, {@code bad_mood}: session 29 dropped those).
     */
    @Test
    void dropUsingDropsOnlyTheStatementsThatUseTheTypesOldOid() {
        StatementCache cache = new StatementCache(10);
        StatementCache.Entry byParameter = cache.create("SELECT $1", new int[]{70001});
        StatementCache.Entry byColumn = described(cache.create("SELECT f()", NO_TYPES), 70001);
        StatementCache.Entry byArrayColumn = described(cache.create("SELECT g()", NO_TYPES), 70002);
        StatementCache.Entry byText = described(cache.create("SELECT 'ok'::App.Mood::text", NO_TYPES), 25);
        StatementCache.Entry undescribed = cache.create("SELECT h()", NO_TYPES);
        StatementCache.Entry other = described(cache.create("SELECT $1::int + 1", new int[]{23}), 23);
        StatementCache.Entry likeNamed = described(cache.create("SELECT 'x'::moods, 'y'::bad_mood, 'z'::mood_ring", NO_TYPES), 70003);
        StatementCache.Entry byQuotedArray = described(cache.create("SELECT $1::\"Mood\"[]", NO_TYPES), 25);
        StatementCache.Entry byArrayTypeName = described(cache.create("SELECT '{a}'::_mood::text", NO_TYPES), 25);

        cache.dropUsing(Map.of(70001, "app.mood", 70002, "app.mood[]"));

        assertThat(cache.drainToClose()).as("the name is matched as a word: a longer name containing it stays prepared")
                .containsExactlyInAnyOrder(byParameter.name(), byColumn.name(), byArrayColumn.name(), byText.name(),
                        undescribed.name(), byQuotedArray.name(), byArrayTypeName.name());
        assertThat(cache.get("SELECT $1::int + 1", new int[]{23})).isSameAs(other);
        assertThat(cache.get("SELECT 'x'::moods, 'y'::bad_mood, 'z'::mood_ring", NO_TYPES)).isSameAs(likeNamed);
        assertThat(cache.size()).isEqualTo(2);
    }

    private static StatementCache.Entry described(StatementCache.Entry entry, int columnType) {
        entry.description = new io.pgconn.internal.protocol.backend.RowDescription(java.util.List.of(
                new io.pgconn.internal.protocol.backend.RowDescription.Column("c", 0, (short) 0, columnType, (short) -1, -1, (short) 0)));
        return entry;
    }
}
