package io.pgconn.spring.boot.autoconfigure.r2dbc;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.env.Environment;

/**
 * One WARN at start-up when {@code spring.r2dbc.url} is set while the starter provides the R2DBC
 * {@code ConnectionFactory}: Boot's R2DBC auto-configuration then backs off, so the property
 * configures nothing, and a user who moved to pgconn would otherwise not learn why their URL has no
 * effect. Names the property only: its value may hold a password.
 */
final class SpringR2dbcUrlWarning {

    static final String PROPERTY = "spring.r2dbc.url";

    private static final Log logger = LogFactory.getLog(SpringR2dbcUrlWarning.class);

    private SpringR2dbcUrlWarning() {
    }

    static void warnIfSet(Environment environment) {
        if (environment.containsProperty(PROPERTY)) {
            logger.warn(PROPERTY + " is set but ignored: the R2DBC ConnectionFactory is pgconn's, configured by pg.conn.* "
                    + "(pg.conn.url or pg.conn.hosts, pg.conn.username, pg.conn.password, pg.conn.pool.*); "
                    + "move the settings there and remove " + PROPERTY);
        }
    }
}
