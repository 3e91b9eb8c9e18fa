package io.pgconn.internal.query;

import io.pgconn.PgException;

/** Whether a server error says a cached named statement no longer fits (it is then re-prepared). */
final class StaleStatement {

    private StaleStatement() {
    }

    /**
     * 26000: the named statement is gone (DISCARD ALL, DEALLOCATE); 0A000 raised by the plan cache's
     * revalidation: its result type changed. Told by the routine field ('R'), which is not
     * translated, unlike the message under a non-English lc_messages (pgjdbc does the same); the
     * English message only when a server leaves the routine out.
     */
    static boolean is(PgException error) {
        String code = error.serverFields().code();
        if ("26000".equals(code)) {
            return true;
        }
        if (!"0A000".equals(code)) {
            return false;
        }
        String routine = error.serverFields().routine();
        if (routine != null) {
            return "RevalidateCachedQuery".equals(routine) || "RevalidateCachedPlan".equals(routine);
        }
        String message = error.serverFields().message();
        return message != null && message.contains("cached plan must not change result type");
    }
}
