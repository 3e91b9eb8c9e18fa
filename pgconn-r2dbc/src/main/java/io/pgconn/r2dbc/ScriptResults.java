package io.pgconn.r2dbc;

import io.r2dbc.spi.Result;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The results of a script (several statements without parameters, or a {@code Batch}), all made
 * when the script's publisher is subscribed. The script runs to its end once subscribed, like a
 * simple-query script that is on the server as a whole: when the reader cancels the publisher of
 * results (as {@code Mono.from} does after the first one), the results it never got are run and
 * discarded — right after the last result it did get has been submitted, so the statements still
 * reach the session in script order. A result it got but never reads is run and discarded before the
 * connection's next operation, like any unread result.
 */
final class ScriptResults {

    private final PgConnR2dbcResult[] results;
    /** 1 once the statement of result i has been submitted to the session. */
    private final AtomicIntegerArray submitted;
    private final AtomicBoolean restRun = new AtomicBoolean();
    /** Index of the last result handed to the reader; -1 before the first. */
    private volatile int handedOut = -1;
    private volatile boolean cancelled;

    ScriptResults(int size) {
        this.results = new PgConnR2dbcResult[size];
        this.submitted = new AtomicIntegerArray(size);
    }

    /** Result {@code index} of the script, over the statement's {@code parts}. */
    PgConnR2dbcResult result(int index, Publisher<ResultPart> parts) {
        PgConnR2dbcResult result = new PgConnR2dbcResult(subscriber -> {
            parts.subscribe(subscriber); // submits the statement to the session
            submitted.set(index, 1);
            if (cancelled && handedOut == index) {
                runRest(index);
            }
        });
        results[index] = result;
        return result;
    }

    /** The results in script order, for the reader. */
    Flux<Result> publisher() {
        return Flux.<Result>fromArray(results).doOnNext(result -> handedOut++).doOnCancel(this::onCancel);
    }

    private void onCancel() {
        cancelled = true;
        int last = handedOut;
        if (last < 0 || submitted.get(last) == 1) {
            runRest(last);
        }
        // otherwise the reader still holds the last result unread: the rest runs once it is submitted
    }

    /** Runs and discards the results after {@code last}, which nobody can read any more. */
    private void runRest(int last) {
        if (restRun.compareAndSet(false, true)) {
            for (int i = last + 1; i < results.length; i++) {
                results[i].drainIfUnread();
            }
        }
    }
}
