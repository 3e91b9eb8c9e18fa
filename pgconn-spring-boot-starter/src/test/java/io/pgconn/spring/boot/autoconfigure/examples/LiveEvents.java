package io.pgconn.spring.boot.autoconfigure.examples;

import io.pgconn.PgConnectionFactory;
import io.pgconn.notify.NotificationSubscriber;
import io.pgconn.notify.ReconnectPolicy;
import io.pgconn.notify.SubscriptionEvents;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** The starter README's LISTEN/NOTIFY example: a subscriber bean, its notifications as a Flux (e.g. for SSE). */
@Configuration(proxyBeanMethods = false)
public class LiveEvents {

    private final Sinks.Many<String> events = Sinks.many().multicast().directBestEffort();

    @Bean // a bean: pgConn health shows it under subscribers; Spring closes it before the factory
    NotificationSubscriber eventsSubscriber(PgConnectionFactory factory) {
        NotificationSubscriber subscriber = NotificationSubscriber.start(factory, ReconnectPolicy.DEFAULT, SubscriptionEvents.NONE);
        // runs on the connection's event loop: hand off, never block
        subscriber.listen("events", notification -> events.tryEmitNext(notification.payload()));
        return subscriber;
    }

    public Flux<String> live() {
        return events.asFlux();
    }
}
