package io.pgconn.testing;

import io.pgconn.testkit.PgServer;

/** Conditions on a server's backends ({@code pg_stat_activity}), awaited with {@link Conditions}. */
public final class Backends {

    private Backends() {
    }

    /** Waits until backend {@code pid} is running a statement (state {@code active}). */
    public static void awaitActive(PgServer server, int pid) {
        Conditions.awaitCondition("backend " + pid + " on " + server.port() + " running a statement",
                () -> "active".equals(server.queryValue("SELECT state FROM pg_stat_activity WHERE pid = " + pid)));
    }

    /**
     * Waits until backend {@code pid} waits on {@code event} ({@code pg_stat_activity.wait_event}: {@code PgSleep} — it
     * runs the statement, past reading its Execute; {@code ClientWrite} — blocked sending rows). State {@code active}
     * alone comes earlier: the backend may still wait for the statement's Bind/Execute, where a cancel is dropped.
     */
    public static void awaitWaitEvent(PgServer server, int pid, String event) {
        Conditions.awaitCondition("backend " + pid + " on " + server.port() + " waiting on " + event,
                () -> event.equals(server.queryValue("SELECT wait_event FROM pg_stat_activity WHERE pid = " + pid)));
    }

    /** Waits until none of the backends {@code pids} exists any more. */
    public static void awaitGone(PgServer server, int... pids) {
        String list = java.util.Arrays.stream(pids).mapToObj(String::valueOf).collect(java.util.stream.Collectors.joining(","));
        Conditions.awaitCondition("backends " + list + " on " + server.port() + " gone",
                () -> "0".equals(server.queryValue("SELECT count(*) FROM pg_stat_activity WHERE pid IN (" + list + ")")));
    }

    /** Waits until {@code server} has no backend of {@code user} left. */
    public static void awaitNoneOf(PgServer server, String user) {
        Conditions.awaitCondition("no backends of " + user + " left on " + server.port(),
                () -> "0".equals(server.queryValue("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + user + "'")));
    }
}
