package io.pgconn.internal.query;

import io.pgconn.query.SqlShape;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-session memo of SQL shapes: scanned once per text and setting, bounded in texts and in their size. */
class SqlShapesTest {

    private final Map<String, String> parameters = new ConcurrentHashMap<>(Map.of("standard_conforming_strings", "on"));
    private final SqlShapes shapes = new SqlShapes(parameters);

    @Test
    void aShortTextIsScannedOnceAndKept() {
        SqlShape first = shapes.of("SELECT $1, $2");
        assertThat(first.parameterCount()).isEqualTo(2);
        assertThat(shapes.of("SELECT $1, $2")).isSameAs(first);
        assertThat(shapes.kept()).isEqualTo(1);
    }

    @Test
    void aLongTextIsScannedEachTimeButNotKept() {
        String bulk = "INSERT INTO t VALUES " + ("('" + "x".repeat(100) + "'),").repeat(100) + "($1)";
        assertThat(bulk.length()).isGreaterThan(SqlShapes.LONGEST_KEPT);
        assertThat(shapes.of(bulk).parameterCount()).isEqualTo(1);
        assertThat(shapes.kept()).isZero();
    }

    @Test
    void aTextScannedUnderTheOtherSettingIsScannedAgain() {
        String sql = "SELECT 'a\\' || $1";
        assertThat(shapes.of(sql).parameterCount()).isEqualTo(1);
        parameters.put("standard_conforming_strings", "off"); // the backslash now escapes the quote: $1 is inside the literal
        assertThat(shapes.of(sql).complete()).isFalse();
    }

    @Test
    void pastItsCapacityTheMemoStartsOver() {
        for (int i = 0; i <= SqlShapes.CAPACITY; i++) {
            shapes.of("SELECT " + i);
        }
        assertThat(shapes.kept()).isLessThanOrEqualTo(SqlShapes.CAPACITY);
    }

    /**
     * The memo is made by the first text kept, not with the session (64 B of every idle connection's heap): threads
     * keeping their first texts at once all keep them in the one memo that is installed.
     */
    @Test
    void theMemoIsMadeByTheFirstTextKeptAndThreadsKeepingTheirFirstTextsAtOnceKeepThemAll() throws Exception {
        assertThat(shapes.kept()).isZero();
        int threads = 8;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        java.util.List<Thread> running = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int n = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                shapes.of("SELECT " + n + ", $1");
            });
            thread.start();
            running.add(thread);
        }
        for (Thread thread : running) {
            thread.join();
        }
        assertThat(shapes.kept()).isEqualTo(threads);
    }
}
