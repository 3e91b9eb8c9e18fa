package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnectionFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Closes the auto-configured factory when the context closes: every connection it handed out
 * (Terminate sent), then its event loops, within {@code pg.conn.shutdown-timeout}. Context close
 * never waits longer than that. It runs as the factory bean's own destruction (a
 * {@link DestructionAwareBeanPostProcessor}), so Spring closes the factory only after every bean
 * that depends on it was destroyed: an application's bean may still use the factory in its own
 * destroy method (a last write, a subscriber's UNLISTEN), as with any dependency (docs/starter.md §5).
 */
final class PgConnectionFactoryShutdown implements DestructionAwareBeanPostProcessor {

    private static final Log logger = LogFactory.getLog(PgConnectionFactoryShutdown.class);

    private final ObjectProvider<PgConnProperties> properties;

    /** {@code pg.conn.shutdown-timeout}, read when the factory is made (the properties bean may be gone at close). */
    private volatile Duration timeout = new PgConnProperties().getShutdownTimeout();

    PgConnectionFactoryShutdown(ObjectProvider<PgConnProperties> properties) {
        this.properties = properties;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
        if (isTheFactory(bean, beanName)) {
            this.timeout = this.properties.getObject().getShutdownTimeout();
        }
        return bean;
    }

    @Override
    public boolean requiresDestruction(Object bean) {
        return bean instanceof PgConnectionFactory;
    }

    @Override
    public void postProcessBeforeDestruction(Object bean, String beanName) throws BeansException {
        if (isTheFactory(bean, beanName)) {
            close((PgConnectionFactory) bean, this.timeout);
        }
    }

    private static boolean isTheFactory(Object bean, String beanName) {
        return bean instanceof PgConnectionFactory && PgConnAutoConfiguration.FACTORY_BEAN_NAME.equals(beanName);
    }

    static void close(PgConnectionFactory factory, Duration timeout) {
        int open = factory.openConnections();
        try {
            // a little beyond the timeout: closeAsync itself gives up on stragglers at the timeout
            factory.closeAsync(timeout).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            if (logger.isDebugEnabled()) {
                logger.debug("Closed pgconn connection factory and its " + open + " open connection(s)");
            }
        } catch (TimeoutException e) {
            logger.warn("pgconn connection factory did not close within " + timeout + " ("
                    + factory.openConnections() + " connection(s) still open)");
        } catch (ExecutionException e) {
            logger.warn("pgconn connection factory failed to close cleanly", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            logger.warn("pgconn connection factory close interrupted (" + factory.openConnections()
                    + " connection(s) still open)");
        }
    }
}
