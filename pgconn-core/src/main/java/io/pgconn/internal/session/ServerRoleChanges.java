package io.pgconn.internal.session;

import io.pgconn.internal.query.Exchange;

import java.util.Map;
import java.util.function.Consumer;

/**
 * Tells the factory's host memory when an established session hears its server change role: a ParameterStatus of
 * {@code in_hot_standby} (a promotion) or {@code default_transaction_read_only} (turned on or off in the server's
 * configuration and reloaded). PostgreSQL tells an idle session only with its next statement, so without this the
 * pool lent every other idle session to that server once more before it learned (NEW-USER-12 M1); told, the pool's
 * eviction drops them all at once (docs/r2dbc.md §4).
 *
 * <p>{@code default_transaction_read_only} is also a session setting: a change the session's own SQL may have made
 * ({@code SET default_transaction_read_only}, {@code SET SESSION CHARACTERISTICS}, a {@code set_config} that may name
 * it, or a script, whose text is not known: {@link ReadOnlyDefaultText}) says nothing about the server, and from then on
 * this session reports no change of it (a later {@code RESET} or {@code COMMIT} may restore the session's value, not the
 * server's). A {@code set_config} naming another setting by a literal ({@code set_config('app.tenant', $1, true)}, the
 * first statement of many a row-level-security transaction) is not one (REVIEW-33 R33-1: the refusal of a {@code BEGIN
 * READ WRITE} on a server turned read-only was skipped for it, and the session heard no role change again).
 * {@code in_hot_standby} is the server's alone. A 25006 error is never taken as a sign: a transaction the
 * application made read-only causes it too. Runs on the event loop.
 */
final class ServerRoleChanges {

    private static final String HOT_STANDBY = "in_hot_standby";
    private static final String READ_ONLY = "default_transaction_read_only";

    private final Consumer<Map<String, String>> hostMemory;
    private boolean readOnlySetBySession;

    /** @param hostMemory told the session's ParameterStatus map after a role parameter changed on the server */
    ServerRoleChanges(Consumer<Map<String, String>> hostMemory) {
        this.hostMemory = hostMemory;
    }

    /**
     * The server reported {@code name} changed during {@code current}'s answer (null: none); {@code parameters} is already
     * updated.
     *
     * @return whether it is a role parameter the server changed (host memory was told), not the session's own setting
     */
    boolean parameterChanged(String name, Map<String, String> parameters, Exchange current) {
        if (READ_ONLY.equals(name)) {
            readOnlySetBySession |= mayBeTheSessionsOwn(current);
            if (readOnlySetBySession) {
                return false;
            }
        } else if (!HOT_STANDBY.equals(name)) {
            return false;
        }
        hostMemory.accept(parameters);
        return true;
    }

    /** Whether {@code current}'s SQL may itself have set {@code default_transaction_read_only} (unknown text: may). */
    static boolean mayBeTheSessionsOwn(Exchange current) {
        return ReadOnlyDefaultText.maySet(current == null ? null : current.text());
    }
}
