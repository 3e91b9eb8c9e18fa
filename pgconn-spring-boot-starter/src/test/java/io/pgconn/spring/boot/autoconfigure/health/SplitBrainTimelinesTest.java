package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnection;
import io.pgconn.PrimaryTimeline;
import io.pgconn.ServerRole;
import io.pgconn.config.HostSpec;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.query.PgStatement;
import io.pgconn.query.RowSet;
import io.pgconn.spi.HostObservations;
import io.pgconn.spring.boot.autoconfigure.FailoverTracker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * A split brain's timeline reads (closing-note-30): they start as soon as two hosts probed in the round answer as primary
 * — a frozen third host's probe, which holds the round for its timeout, no longer delays them — and each is bounded by
 * its statement's own timeout, never by a {@code PgConnection.cancel()} that would hit the session's next probe.
 */
class SplitBrainTimelinesTest {

    private static final HostSpec DB1 = HostSpec.of("db1.test.invalid", 5432);
    private static final HostSpec DB2 = HostSpec.of("db2.test.invalid", 5432);
    private static final HostSpec DB3 = HostSpec.of("db3.test.invalid", 5432);

    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(750);

    private final Instant at = Instant.parse("2026-12-07T17:00:00Z");

    private final HostObservations memory = mock(HostObservations.class);

    private final HostViews views = new HostViews(List.of(DB1.label(), DB2.label(), DB3.label()), TargetSessionAttrs.READ_WRITE,
            new FailoverTracker(), Optional::empty);

    private final SplitBrainTimelines timelines = new SplitBrainTimelines(this.memory, TargetSessionAttrs.READ_WRITE, PROBE_TIMEOUT,
            this.views);

    @Test
    void theReadsStartAsSoonAsTwoHostsProbedInTheRoundAnswerAsPrimary() {
        Probed db1 = new Probed(DB1, new CompletableFuture<>());
        Probed db2 = new Probed(DB2, new CompletableFuture<>());
        Probed db3 = new Probed(DB3, new CompletableFuture<>());
        this.views.update(2, up(DB3)); // primary at the last round; frozen since, its probe of this round hangs
        SplitBrainTimelines.Round round = this.timelines.round(List.of(db1.monitor, db2.monitor, db3.monitor));

        this.views.update(0, up(DB1));
        round.probeEnded(0, this.views.snapshot());
        verify(db1.session, never()).statement(anyString());
        verify(db3.session, never()).statement(anyString());

        this.views.update(1, up(DB2));
        round.probeEnded(1, this.views.snapshot());
        verify(db1.statement).timeout(PROBE_TIMEOUT);
        verify(db2.statement).timeout(PROBE_TIMEOUT);
        verify(db1.statement).collect();
        verify(db2.statement).collect();
        verify(db3.session, never()).statement(anyString()); // its probe of this round has not ended
        assertThat(round.ended()).as("the reads still run").isNotDone();
    }

    @Test
    void aReadPastItsTimeoutEndsByItsStatementsOwnTimeoutAndCancelsNothingElse() {
        Probed db1 = new Probed(DB1, CompletableFuture.failedFuture(new IllegalStateException("statement timed out")));
        Probed db2 = new Probed(DB2, CompletableFuture.failedFuture(new IllegalStateException("statement timed out")));
        Probed db3 = new Probed(DB3, new CompletableFuture<>());
        SplitBrainTimelines.Round round = this.timelines.round(List.of(db1.monitor, db2.monitor, db3.monitor));
        this.views.update(0, up(DB1));
        round.probeEnded(0, this.views.snapshot());
        this.views.update(1, up(DB2));
        round.probeEnded(1, this.views.snapshot());

        assertThat(round.ended()).isDone();
        verify(db1.statement).timeout(PROBE_TIMEOUT);
        verify(db1.session, never()).cancel();
        verify(db2.session, never()).cancel();
        verify(this.memory, never()).primaryTimeline(any(HostSpec.class), anyLong());
    }

    private HostView up(HostSpec host) {
        return HostView.unknown(host.label()).up(ServerRole.PRIMARY, "18.0", this.at);
    }

    /** A host's monitor with an open probe session whose timeline statement ends as {@code answer} does. */
    private static final class Probed {

        final HostMonitor monitor = mock(HostMonitor.class);

        final PgConnection session = mock(PgConnection.class);

        final PgStatement statement = mock(PgStatement.class);

        Probed(HostSpec host, CompletableFuture<List<RowSet>> answer) {
            when(this.monitor.host()).thenReturn(host);
            when(this.monitor.openSession()).thenReturn(this.session);
            when(this.session.host()).thenReturn(host.label());
            when(this.session.statement(PrimaryTimeline.SQL)).thenReturn(this.statement);
            when(this.statement.timeout(any(Duration.class))).thenReturn(this.statement);
            when(this.statement.collect()).thenReturn(answer);
        }
    }
}
