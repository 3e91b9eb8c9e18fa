package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnection;
import io.pgconn.QueryResult;
import io.pgconn.spring.boot.autoconfigure.ReplicaLag;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * What the replica lag query's answer becomes ({@link ReplicaLagProbe}): a standby that streams and replayed a
 * transaction tells bytes and seconds; one restoring from an archive only (no received LSN) or that replayed nothing
 * since start leaves them out ({@code null}), never a made-up 0; whether a WAL receiver runs is told apart; the few
 * negative values clock skew or a fresh start give are 0; an answer of another shape fails naming the host; and the query calls only schema-qualified functions.
 */
class ReplicaLagProbeTest {

    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

    private final ReplicaLagProbe probe = new ReplicaLagProbe(Duration.ofSeconds(1), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aStreamingStandbyBehindTellsBytesSecondsAndWhetherReplayIsPaused() {
        assertThat(this.probe.parse("db2:5432", answer("81920", "4.217391", "t", "t")))
                .isEqualTo(new ReplicaLag(81920L, 4.217391, true, true, NOW));
        assertThat(this.probe.parse("db2:5432", answer("0", "0", "f", "t"))).isEqualTo(new ReplicaLag(0L, 0.0, false, true, NOW));
    }

    @Test
    void whatTheStandbyCannotTellIsLeftOutNotZero() {
        assertThat(this.probe.parse("db2:5432", answer(null, "12.5", "f", "f"))).isEqualTo(new ReplicaLag(null, 12.5, false, false, NOW));
        assertThat(this.probe.parse("db2:5432", answer("0", null, "f", "t"))).isEqualTo(new ReplicaLag(0L, null, false, true, NOW));
    }

    @Test
    void negativeValuesFromClockSkewOrAFreshStartAreZero() {
        assertThat(this.probe.parse("db2:5432", answer("-8192", "-0.003", "f", "t"))).isEqualTo(new ReplicaLag(0L, 0.0, false, true, NOW));
    }

    @Test
    void anAnswerOfAnotherShapeFailsNamingTheHost() {
        QueryResult threeColumns = new QueryResult(List.of("a", "b", "c"), List.of(List.of("0", "0", "f")), "SELECT 1");
        assertThatThrownBy(() -> this.probe.parse("db2:5432", threeColumns)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("db2:5432").hasMessageContaining("expected 1 of 4 columns");
    }

    @Test
    void aSessionThatThrowsFailsTheMeasureInsteadOfThrowing() {
        PgConnection session = mock(PgConnection.class);
        when(session.simpleQuery(ReplicaLagProbe.SQL)).thenThrow(new IllegalStateException("closed"));
        CompletableFuture<ReplicaLag> measured = this.probe.measure(session);
        assertThatThrownBy(measured::join).isInstanceOf(CompletionException.class).hasRootCauseMessage("closed");
    }

    @Test
    void theQueryCallsOnlySchemaQualifiedFunctions() {
        // extract(... FROM ...) is grammar, which the parser turns into pg_catalog's function itself
        String unqualified = ReplicaLagProbe.SQL.replaceAll("pg_catalog\\.[a-z_]+\\(", "").replace("extract(", "");
        assertThat(unqualified).doesNotContainPattern("[a-z_]+\\(");
    }

    private static QueryResult answer(String bytes, String seconds, String paused, String receiving) {
        return new QueryResult(List.of("pg_wal_lsn_diff", "case", "pg_is_wal_replay_paused", "exists"),
                List.of(Arrays.asList(bytes, seconds, paused, receiving)), "SELECT 1");
    }
}
