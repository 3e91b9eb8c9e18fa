package io.pgconn.hostile;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scripted server's steps and the client's wait shared by the tests of a session that ends around a
 * statement — before, with or after its answer ({@link HostileSessionEndIT}, {@link HostileCommitAnswerIT}).
 */
final class SessionEndScripts {

    /** How long a client call may take to fail: a connection waiting for a server that ended the session would take for ever. */
    static final Duration LIMIT = Duration.ofSeconds(5);

    private SessionEndScripts() {
    }

    /** The startup without TLS and a trusted login. */
    static void login(Conversation c) throws IOException {
        c.readStartupRefusingTls();
        c.send(Backend.trustLogin());
    }

    /** {@link #login}, then the client's BEGIN read and answered: a transaction is open ('T'). */
    static void loginAndBegin(Conversation c) throws IOException {
        login(c);
        assertThat(c.readMessage().bodyText()).startsWith("BEGIN");
        c.send(Backend.message('C', Backend.cstring("BEGIN")), Backend.message('Z', new byte[] {'T'}));
    }

    /** The answer to Parse and Describe of a statement without parameters or rows: ParseComplete, ParameterDescription (none), NoData. */
    static void answerDescribedWithoutRows(Conversation c) throws IOException {
        c.send(Backend.message('1', new byte[0]), Backend.message('t', new byte[] {0, 0}), Backend.message('n', new byte[0]));
    }

    /** What {@code future} failed with, within {@link #LIMIT}; an AssertionError when it succeeded or did not complete. */
    static Throwable failure(CompletableFuture<?> future) throws InterruptedException {
        try {
            Object value = future.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within " + LIMIT.toSeconds() + " s: the connection waits for a server that ended the session", e);
        }
    }
}
