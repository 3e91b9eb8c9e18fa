package io.pgconn.sample.notify;

import io.pgconn.PgConnectionFactory;
import io.pgconn.notify.NotificationSubscriber;
import io.pgconn.notify.ReconnectPolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The application's LISTEN connection as a bean: the starter's {@code pgConn} health shows its state
 * under {@code subscribers}, and the context's close ends it (Spring's inferred destroy method,
 * {@code close()}) before the factory.
 */
@Configuration(proxyBeanMethods = false)
class NotifyConfiguration {

    /**
     * {@link NotificationSubscriber#start Started} in the background, not opened: with the primary down
     * at boot the application starts anyway and the subscriber connects as soon as a server accepts
     * (the first connect retried like a lost connection, {@link ReconnectPolicy#DEFAULT}: without a limit).
     */
    @Bean
    NotificationSubscriber notificationSubscriber(PgConnectionFactory factory, NotificationFeed feed) {
        NotificationSubscriber subscriber = NotificationSubscriber.start(factory, ReconnectPolicy.DEFAULT, feed.events());
        subscriber.listen(NotificationFeed.CHANNEL, feed::receive).whenComplete((ok, error) -> feed.listenResult(error));
        return subscriber;
    }
}
