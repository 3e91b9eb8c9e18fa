package io.pgconn.internal.connect;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A read that is pending is joined, not started again (REVIEW-26 R26-3: each connect parked one more file-read thread
 * on a file that never answers); once it completes, the next connect reads again (libpq reads at every connect); a
 * read that could not start leaves nothing pending behind.
 */
class SingleFlightTest {

    private final SingleFlight<String, String> reads = new SingleFlight<>();
    private final AtomicInteger started = new AtomicInteger();

    private CompletableFuture<String> startedRead(CompletableFuture<String> read) {
        started.incrementAndGet();
        return read;
    }

    @Test
    void aSecondReadOfAPendingFileJoinsTheFirstAndTheNextAfterItReadsAgain() {
        CompletableFuture<String> stuck = new CompletableFuture<>();
        CompletableFuture<String> first = reads.join("/home/app/.pgpass", () -> startedRead(stuck));
        CompletableFuture<String> second = reads.join("/home/app/.pgpass", () -> startedRead(new CompletableFuture<>()));
        CompletableFuture<String> other = reads.join("/run/secrets/root.crt", () -> startedRead(CompletableFuture.completedFuture("ca")));

        assertThat(started).as("one read of the pending file, one of the other file").hasValue(2);
        assertThat(other).isCompletedWithValue("ca");
        assertThat(reads.pending("/run/secrets/root.crt")).isFalse();
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();

        stuck.complete("line");
        assertThat(first).isCompletedWithValue("line");
        assertThat(second).isCompletedWithValue("line");
        assertThat(reads.pending("/home/app/.pgpass")).isFalse();

        CompletableFuture<String> next = reads.join("/home/app/.pgpass", () -> startedRead(CompletableFuture.completedFuture("edited")));
        assertThat(next).as("a connect after the read reads the file again").isCompletedWithValue("edited");
        assertThat(started).hasValue(3);
    }

    @Test
    void aReadThatFailsOrCannotStartLeavesNothingPending() {
        IllegalStateException refused = new IllegalStateException("256 file reads are already waiting");
        CompletableFuture<String> failed = reads.join("/home/app/.pgpass", () -> CompletableFuture.failedFuture(refused));
        assertThatThrownBy(failed::join).hasCause(refused);
        assertThat(reads.pending("/home/app/.pgpass")).isFalse();

        CompletableFuture<String> thrown = reads.join("/home/app/.pgpass", () -> {
            throw refused;
        });
        assertThatThrownBy(thrown::join).hasCause(refused);
        assertThat(reads.pending("/home/app/.pgpass")).isFalse();

        assertThat(reads.join("/home/app/.pgpass", () -> startedRead(CompletableFuture.completedFuture("line")))).isCompletedWithValue("line");
    }
}
