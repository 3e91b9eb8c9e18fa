package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.config.ConnConfig;
import io.pgconn.config.TargetSessionAttrs;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One INFO at start-up when the factory's hosts name several servers and {@code target-session-attrs} is {@code any}
 * (libpq's default): a connection may then go to any of them, a hot standby too, where every write fails with 25006 —
 * what a user who listed a primary and its standby without the setting meets at the first failover (new user 19's
 * F13: nothing said so). INFO, not WARN: {@code any} over several servers is right for an application that only reads.
 * Names no value but the count.
 */
final class AnyRoleHostsNote {

    private static final Log logger = LogFactory.getLog(AnyRoleHostsNote.class);

    private AnyRoleHostsNote() {
    }

    static void logIfAny(ConnConfig config) {
        String note = of(config);
        if (note != null) {
            logger.info(note);
        }
    }

    /** The note for {@code config}, or null when it names one server or another target. */
    static @Nullable String of(ConnConfig config) {
        int servers = config.hosts().size();
        if (servers < 2 || config.targetSessionAttrs() != TargetSessionAttrs.ANY) {
            return null;
        }
        return "pgconn: the hosts (pg.conn.hosts or pg.conn.url) name " + servers + " servers and target-session-attrs is"
                + " 'any' (libpq's default), so a connection may go to any of them, a hot standby too, where writes fail"
                + " (SQLSTATE 25006): set pg.conn.target-session-attrs=read-write (or primary) for an application that"
                + " writes, prefer-standby for one that only reads";
    }
}
