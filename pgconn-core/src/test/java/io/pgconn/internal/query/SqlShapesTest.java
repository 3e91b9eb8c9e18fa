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
    void aLongTextIsNotKeptInTheMemo() {
        String bulk = "INSERT INTO t VALUES " + ("('" + "x".repeat(100) + "'),").repeat(100) + "($1)";
        assertThat(bulk.length()).isGreaterThan(SqlShapes.LONGEST_KEPT);
        assertThat(shapes.of(bulk).parameterCount()).isEqualTo(1);
        assertThat(shapes.kept()).isZero();
    }

    /**
     * NEW-USER-29: an R2DBC statement asks the shape of its text at every {@code bind(i)}; a long text (an {@code IN}
     * list of n parameters) scanned at each ask made n binds cost O(n²). The same String asked again is not scanned
     * again; another String with equal text is (the slot compares by identity, never the whole text), and so is the
     * same one under the other setting.
     */
    @Test
    void theSameLongTextAskedAgainIsNotScannedAgain() {
        String inList = inList(2000);
        assertThat(inList.length()).isGreaterThan(SqlShapes.LONGEST_KEPT);
        SqlShape first = shapes.of(inList);
        assertThat(first.parameterCount()).isEqualTo(2000);
        assertThat(shapes.of(inList)).isSameAs(first);
        String equalCopy = new String(inList.toCharArray());
        SqlShape ofCopy = shapes.of(equalCopy);
        assertThat(ofCopy).isNotSameAs(first);
        assertThat(ofCopy.parameterCount()).isEqualTo(2000);
        assertThat(shapes.of(equalCopy)).isSameAs(ofCopy);
        parameters.put("standard_conforming_strings", "off");
        assertThat(shapes.of(equalCopy)).isNotSameAs(ofCopy);
        assertThat(shapes.kept()).isZero();
    }

    private static String inList(int n) {
        StringBuilder sql = new StringBuilder("SELECT id FROM t WHERE id IN (");
        for (int i = 1; i <= n; i++) {
            sql.append(i == 1 ? "$" : ", $").append(i);
        }
        return sql.append(')').toString();
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
