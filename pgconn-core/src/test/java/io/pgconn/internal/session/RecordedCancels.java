package io.pgconn.internal.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A session's CancelRequests as a list, for tests on an embedded channel: each request the session sends adds a
 * future, and completing it is the server closing that cancel connection (it signalled the backend).
 */
final class RecordedCancels {

    private final List<CompletableFuture<Void>> sent = new ArrayList<>();

    /** Records every CancelRequest {@code session} sends from now on. */
    static RecordedCancels of(PipelinedSession session) {
        RecordedCancels cancels = new RecordedCancels();
        session.cancelAction(() -> {
            CompletableFuture<Void> request = new CompletableFuture<>();
            cancels.sent.add(request);
            return request;
        });
        return cancels;
    }

    /** The requests sent so far, in order. */
    List<CompletableFuture<Void>> sent() {
        return sent;
    }
}
