package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.config.ConnConfig;
import io.pgconn.config.TargetSessionAttrs;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One INFO at start-up when the factory's configuration lists several hosts and {@code target_session_attrs} is
 * {@code any} (libpq's default, so also when nothing was set): a connection may then land on a standby, where every
 * write fails with 25006 once a failover or a switchover made the first host a standby (NEW-USER-19 F13). It names the
 * number of hosts and the settings, never a host or any other value.
 */
final class SeveralHostsAnyTargetHint {

    private static final Log logger = LogFactory.getLog(SeveralHostsAnyTargetHint.class);

    private SeveralHostsAnyTargetHint() {
    }

    static void logIfApplies(ConnConfig config) {
        long hosts = config.hosts().stream().distinct().count();
        if (hosts > 1 && config.targetSessionAttrs() == TargetSessionAttrs.ANY) {
            logger.info("pgconn: the configuration lists " + hosts + " hosts and target-session-attrs is 'any' (libpq's "
                    + "default): a connection may land on any of them, a standby included, where every write fails "
                    + "(25006 read-only transaction); set pg.conn.target-session-attrs=read-write for a pool that writes "
                    + "(prefer-standby or standby for one that only reads)");
        }
    }
}
