package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnectionFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.DisposableBean;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Closes the auto-configured factory when the context closes: every connection it handed out
 * (Terminate sent), then its event loops, within {@code pg.conn.shutdown-timeout}. Context close
 * never waits longer than that.
 */
final class PgConnectionFactoryShutdown implements DisposableBean {

    private static final Log logger = LogFactory.getLog(PgConnectionFactoryShutdown.class);

    private final PgConnectionFactory factory;

    private final Duration timeout;

    PgConnectionFactoryShutdown(PgConnectionFactory factory, Duration timeout) {
        this.factory = factory;
        this.timeout = timeout;
    }

    @Override
    public void destroy() throws InterruptedException {
        int open = this.factory.openConnections();
        try {
            // a little beyond the timeout: closeAsync itself gives up on stragglers at the timeout
            this.factory.closeAsync(this.timeout).get(this.timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            if (logger.isDebugEnabled()) {
                logger.debug("Closed pgconn connection factory and its " + open + " open connection(s)");
            }
        } catch (TimeoutException e) {
            logger.warn("pgconn connection factory did not close within " + this.timeout + " ("
                    + this.factory.openConnections() + " connection(s) still open)");
        } catch (ExecutionException e) {
            logger.warn("pgconn connection factory failed to close cleanly", e.getCause());
        }
    }
}
