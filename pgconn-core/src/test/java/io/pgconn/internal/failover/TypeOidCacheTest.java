package io.pgconn.internal.failover;

import io.pgconn.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TypeOidCacheTest {

    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final TypeOidCache.Key KEY = key("db1:5432", "app", "alice");

    private final MutableClock clock = new MutableClock();
    private final TypeOidCache cache = new TypeOidCache(clock);

    private static TypeOidCache.Key key(String host, String database, String user) {
        return new TypeOidCache.Key(host, database, user, null, "18.0", List.of("hstore", "vector"));
    }

    @Test
    void anAnswerIsReusedWithinTheIntervalAndAskedAgainAfterIt() {
        cache.remember(KEY, Map.of("hstore", 16_385), INTERVAL);
        clock.advance(INTERVAL.minusMillis(1));
        assertThat(cache.fresh(KEY, INTERVAL)).contains(Map.of("hstore", 16_385));
        clock.advance(Duration.ofMillis(1));
        assertThat(cache.fresh(KEY, INTERVAL)).isEmpty();
    }

    @Test
    void aZeroIntervalNeverRemembers() {
        cache.remember(KEY, Map.of("hstore", 16_385), Duration.ZERO);
        assertThat(cache.size()).isZero();
        cache.remember(KEY, Map.of("hstore", 16_385), INTERVAL);
        assertThat(cache.fresh(KEY, Duration.ZERO)).as("a connect with interval 0 asks even when another remembered").isEmpty();
    }

    @Test
    void missingTypesAreRememberedAsMissing() {
        cache.remember(KEY, Map.of(), INTERVAL);
        assertThat(cache.fresh(KEY, INTERVAL)).contains(Map.of());
    }

    @Test
    void eachServerDatabaseUserAndNameListHasItsOwnAnswer() {
        cache.remember(KEY, Map.of("hstore", 1), INTERVAL);
        assertThat(cache.fresh(key("db2:5432", "app", "alice"), INTERVAL)).isEmpty();
        assertThat(cache.fresh(key("db1:5432", "other", "alice"), INTERVAL)).isEmpty();
        assertThat(cache.fresh(key("db1:5432", "app", "bob"), INTERVAL)).isEmpty();
        assertThat(cache.fresh(new TypeOidCache.Key("db1:5432", "app", "alice", "-c search_path=x", "18.0", List.of("hstore", "vector")), INTERVAL)).isEmpty();
        assertThat(cache.fresh(new TypeOidCache.Key("db1:5432", "app", "alice", null, "17.6", List.of("hstore", "vector")), INTERVAL)).isEmpty();
        assertThat(cache.fresh(new TypeOidCache.Key("db1:5432", "app", "alice", null, "18.0", List.of("hstore")), INTERVAL)).isEmpty();
    }

    @Test
    void forgetDropsEveryAnswer() {
        cache.remember(KEY, Map.of("hstore", 1), INTERVAL);
        cache.remember(key("db2:5432", "app", "alice"), Map.of("hstore", 2), INTERVAL);
        cache.forget();
        assertThat(cache.fresh(KEY, INTERVAL)).isEmpty();
        assertThat(cache.size()).isZero();
    }

    @Test
    void expiredAnswersAreDroppedWhenANewOneArrives() {
        cache.remember(KEY, Map.of("hstore", 1), INTERVAL);
        clock.advance(INTERVAL);
        cache.remember(key("db2:5432", "app", "alice"), Map.of("hstore", 2), INTERVAL);
        assertThat(cache.size()).isEqualTo(1);
    }
}
