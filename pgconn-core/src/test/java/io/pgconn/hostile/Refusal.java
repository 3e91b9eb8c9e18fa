package io.pgconn.hostile;

import io.pgconn.PgException;

import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a hostile case must end (docs/testing.md §2): one specific exception type whose message says what
 * was wrong and names the host, within the configured connect budget, with every connection the
 * server accepted closed by the client and nothing left open in the factory.
 */
public final class Refusal {

    /** Slack over the configured connectTimeout for scheduling on a loaded 2-core CI machine. */
    private static final Duration GRACE = Duration.ofSeconds(2);
    /** How long the client may take to close its side after the failure was reported. */
    private static final Duration CLOSE_LIMIT = Duration.ofSeconds(5);

    private final PgException failure;
    private final Duration elapsed;

    private Refusal(PgException failure, Duration elapsed) {
        this.failure = failure;
        this.elapsed = elapsed;
    }

    /**
     * Connects {@code client} to {@code server} (which must refuse) and checks the common part: the type
     * exactly, the message fragments, the host in the message and in {@link PgException#host()}, the
     * budget, and that the server saw every connection closed.
     */
    public static Refusal expect(HostileClient client, ScriptedServer server, Class<? extends PgException> type, String... fragments) {
        Refusal refusal = connect(client, type, fragments);
        refusal.namesHost(server);
        refusal.closed(client, server);
        return refusal;
    }

    /** Like {@link #expect} for one case on a throw-away client with {@code options}. */
    public static Refusal expect(ScriptedServer server, String options, Class<? extends PgException> type, String... fragments) {
        try (HostileClient client = new HostileClient(server, options)) {
            return expect(client, server, type, fragments);
        }
    }

    /** Only the type, message and budget checks (for multi-host cases that check hosts themselves). */
    public static Refusal connect(HostileClient client, Class<? extends PgException> type, String... fragments) {
        long start = System.nanoTime();
        Throwable thrown = client.connectFailure();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        assertThat(thrown).as("failure type").isExactlyInstanceOf(type);
        for (String fragment : fragments) {
            assertThat(thrown.getMessage()).as("failure message").containsIgnoringCase(fragment);
        }
        Duration budget = client.factory().config().connectTimeout().plus(GRACE);
        assertThat(elapsed).as("time to the failure (connectTimeout + grace)").isLessThanOrEqualTo(budget);
        assertThat(thrown.getMessage()).as("a password never shows").doesNotContain(HostileClient.PASSWORD);
        return new Refusal((PgException) thrown, elapsed);
    }

    /** The message names the host, and so does {@link PgException#host()}. */
    public Refusal namesHost(ScriptedServer server) {
        assertThat(failure.getMessage()).as("message names the host").contains(server.label());
        assertThat(failure.host()).as("exception carries the host").isEqualTo(server.label());
        return this;
    }

    /** Every connection the server accepted was closed, and the factory has nothing open. */
    public Refusal closed(HostileClient client, ScriptedServer... servers) {
        Arrays.stream(servers).forEach(s -> s.awaitConnectionsEnded(CLOSE_LIMIT));
        assertThat(client.factory().openConnections()).as("connections left open").isZero();
        Arrays.stream(servers).forEach(ScriptedServer::assertScriptsPassed);
        return this;
    }

    public Refusal sqlState(String expected) {
        assertThat(failure.sqlState()).as("SQLSTATE").contains(expected);
        return this;
    }

    public PgException failure() {
        return failure;
    }

    public Duration elapsed() {
        return elapsed;
    }
}
