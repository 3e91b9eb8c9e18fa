package io.pgconn.internal.query;

import io.pgconn.PgException;
import io.pgconn.internal.protocol.backend.BackendMessage;
import io.pgconn.internal.protocol.frontend.FrontendMessage;

/**
 * An exchange for tests of what a session does with its exchanges — where they go in the FIFO, what each is told when
 * the session ends — rather than of what they write or read: it writes nothing ({@link #messages} throws unless a test
 * overrides it) and ignores its answers, its ReadyForQuery and its failure unless a test overrides them.
 */
public abstract class StubExchange extends Exchange {

    @Override
    public FrontendMessage messages(QuerySession session) {
        throw new UnsupportedOperationException("a stub exchange writes nothing");
    }

    @Override
    public void onMessage(BackendMessage message) {
    }

    @Override
    public void onReady(char status) {
    }

    @Override
    public void fail(PgException error) {
    }
}
