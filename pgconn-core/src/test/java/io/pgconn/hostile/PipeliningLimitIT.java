package io.pgconn.hostile;

import io.pgconn.PgConnection;
import io.pgconn.PgServerException;
import io.pgconn.PgStatementTimeoutException;
import io.pgconn.QueryResult;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pipeliningLimit=1} against a server that plays a pooler in transaction mode (PgBouncer before 1.21): before it
 * answers a request it looks whether the client sent the next one already — pipelined behind a ReadyForQuery(idle),
 * which such a pooler answers on another server connection or drops (NEW-USER-21 F5: a hang with no error). With
 * the limit each request is written only after the previous one's ReadyForQuery; the answers come in order, a failed
 * request fails alone, and a request that timed out while queued is never written.
 */
class PipeliningLimitIT {

    private static final String ONE_AT_A_TIME = "sslmode=disable pipeliningLimit=1";
    /** How long the server waits, before each answer, for a pipelined request to show up: nothing comes with the limit. */
    private static final long PIPELINED_WINDOW_MILLIS = 100;

    /** A transaction-mode pooler's view: the requests in arrival order, and how many came before the previous one was answered. */
    private static final class PoolerView {
        final List<String> received = new CopyOnWriteArrayList<>();
        final AtomicInteger pipelined = new AtomicInteger();
        final CountDownLatch holdFirst;

        PoolerView(int holds) {
            holdFirst = new CountDownLatch(holds);
        }
    }

    /** Answers each simple Query with one row holding its text ("fail": an error), after waiting for a pipelined request. */
    private static ScriptedServer pooler(PoolerView view, long window) {
        return ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
            while (true) {
                Conversation.Message m;
                try {
                    m = c.readMessage();
                } catch (IOException gone) {
                    return;
                }
                if (m.type() == 'X') {
                    return;
                }
                String text = m.type() == 'Q' ? m.bodyText().substring(0, m.body().length - 1) : "frontend message " + m.type();
                view.received.add(text);
                if (m.type() != 'Q') {
                    continue; // a statement of the extended protocol: recorded; the test fails on it
                }
                if (view.received.size() == 1) {
                    view.holdFirst.await(); // the test lets the first one be answered
                }
                if (arrivesWithin(c, window)) {
                    view.pipelined.incrementAndGet();
                }
                c.send(text.equals("fail") ? Backend.poolerError("42P01", "relation \"fail\" does not exist") : new byte[0],
                        text.equals("fail") ? Backend.readyForQuery() : Backend.oneRow(new String[]{"v"}, new String[]{text}));
            }
        });
    }

    /** Whether the client sends more bytes within {@code millis} (polled: the scripted server has no selector). */
    private static boolean arrivesWithin(Conversation c, long millis) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (c.available() == 0) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    @Test
    void twentyRequestsSubmittedAtOnceAreWrittenOneAfterTheOthersAnswerAndAnsweredInOrder() throws Exception {
        PoolerView view = new PoolerView(0);
        try (ScriptedServer server = pooler(view, PIPELINED_WINDOW_MILLIS);
             HostileClient client = new HostileClient(server, ONE_AT_A_TIME)) {
            PgConnection connection = client.connect();
            List<CompletableFuture<QueryResult>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(connection.simpleQuery(i == 7 ? "fail" : "q" + i));
            }
            for (int i = 0; i < 20; i++) {
                if (i == 7) {
                    assertThat(failure(answers.get(i))).isInstanceOf(PgServerException.class).hasMessageContaining("\"fail\" does not exist");
                } else {
                    assertThat(answers.get(i).get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS).singleValue()).isEqualTo("q" + i);
                }
            }
            assertThat(view.pipelined).as("requests that arrived before the previous one was answered").hasValue(0);
            assertThat(view.received).hasSize(20);
            assertThat(connection.isClosed()).isFalse();
            connection.close().get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            server.assertScriptsPassed();
        }
    }

    /** The same server sees pipelining without the limit (the default): the check above can fail. */
    @Test
    void withoutTheLimitTheSameRequestsArePipelined() throws Exception {
        PoolerView view = new PoolerView(0);
        try (ScriptedServer server = pooler(view, 1_000);
             HostileClient client = new HostileClient(server, "sslmode=disable")) {
            PgConnection connection = client.connect();
            List<CompletableFuture<QueryResult>> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                answers.add(connection.simpleQuery("q" + i));
            }
            for (int i = 0; i < 3; i++) {
                assertThat(answers.get(i).get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS).singleValue()).isEqualTo("q" + i);
            }
            assertThat(view.pipelined.get()).as("requests that arrived before the previous one was answered").isPositive();
            connection.close().get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void aStatementThatTimesOutWhileQueuedBehindTheLimitIsNeverWritten() throws Exception {
        PoolerView view = new PoolerView(1);
        try (ScriptedServer server = pooler(view, 0);
             HostileClient client = new HostileClient(server, ONE_AT_A_TIME)) {
            PgConnection connection = client.connect();
            CompletableFuture<QueryResult> first = connection.simpleQuery("first");
            CompletableFuture<?> queued = connection.statement("SELECT 'queued'").timeout(Duration.ofMillis(50)).collect();
            Throwable timedOut = failure(queued);
            view.holdFirst.countDown();
            CompletableFuture<QueryResult> after = connection.simpleQuery("after");
            assertThat(timedOut).isInstanceOf(PgStatementTimeoutException.class).hasMessageContaining("queued");
            assertThat(first.get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS).singleValue()).isEqualTo("first");
            assertThat(after.get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS).singleValue()).isEqualTo("after");
            assertThat(view.received).containsExactly("first", "after");
            connection.close().get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            server.assertScriptsPassed();
        }
    }

    private static Throwable failure(CompletableFuture<?> future) throws Exception {
        try {
            future.get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
