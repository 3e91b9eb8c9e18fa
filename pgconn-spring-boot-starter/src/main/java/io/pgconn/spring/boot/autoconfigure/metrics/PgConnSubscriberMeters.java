package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgconn.notify.NotificationSubscriber;
import io.pgconn.notify.SubscriberState;
import io.pgconn.spring.boot.autoconfigure.health.PgConnSubscriberDetails;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Meters for each {@link NotificationSubscriber} bean, tagged {@code subscriber} with its bean name (never a
 * channel, payload or setting): {@code pg.conn.subscriber.status}, one gauge per status (tag {@code status}:
 * {@code connecting}, {@code listening}, {@code reconnecting}, {@code closed}, {@code gave-up}), 1 for the
 * current one, else 0 — alert on {@code listening} staying 0; {@code pg.conn.subscriber.reconnects}, new
 * connections that took over after the first ({@link NotificationSubscriber#reconnects()}); and
 * {@code pg.conn.subscriber.notifications}, notifications handed to its listeners
 * ({@link NotificationSubscriber#notificationsReceived()}). Registered when the bean is created (a lazy one
 * when first used), removed when it is destroyed. A subscriber that is not a bean has none, as it has no
 * health (new user 9, F5); nor has an instance of a subscriber bean that is not a singleton (a prototype's):
 * its instances would share the bean name — Micrometer keeps the first one's meters under it — and Spring
 * destroys none of them, so the meters would outlive them (REVIEW-13 L5). Health shows singletons only too.
 */
public final class PgConnSubscriberMeters implements DestructionAwareBeanPostProcessor, BeanFactoryAware {

    private final ObjectProvider<MeterRegistry> registries;
    /** Per subscriber bean, its meters and the registry they are in (looked up no more while the context closes). */
    private final Map<String, Registered> registered = new ConcurrentHashMap<>();

    private record Registered(MeterRegistry registry, List<Meter> meters) {
    }

    private @Nullable BeanFactory beanFactory;

    public PgConnSubscriberMeters(ObjectProvider<MeterRegistry> registries) {
        this.registries = registries;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof NotificationSubscriber subscriber && isSingleton(beanName)) {
            MeterRegistry registry = this.registries.getIfAvailable();
            if (registry != null) {
                this.registered.put(beanName, new Registered(registry, bind(registry, beanName, subscriber)));
            }
        }
        return bean;
    }

    /** A singleton bean of that name: one instance, destroyed with the context (an inner bean's name is none). */
    private boolean isSingleton(String beanName) {
        return this.beanFactory != null && this.beanFactory.containsBean(beanName) && this.beanFactory.isSingleton(beanName);
    }

    @Override
    public void postProcessBeforeDestruction(Object bean, String beanName) {
        Registered meters = this.registered.remove(beanName);
        if (meters != null) {
            meters.meters().forEach(meters.registry()::remove);
        }
    }

    @Override
    public boolean requiresDestruction(Object bean) {
        return bean instanceof NotificationSubscriber;
    }

    static List<Meter> bind(MeterRegistry registry, String beanName, NotificationSubscriber subscriber) {
        List<Meter> meters = new ArrayList<>();
        for (SubscriberState.Status status : SubscriberState.Status.values()) {
            String label = PgConnSubscriberDetails.statusLabel(status);
            meters.add(Gauge.builder("pg.conn.subscriber.status", subscriber, s -> s.state().status() == status ? 1 : 0)
                    .description("1 while the notification subscriber is in this status, else 0")
                    .tag("db.system.name", "postgresql")
                    .tag("subscriber", beanName)
                    .tag("status", label)
                    .register(registry));
        }
        meters.add(FunctionCounter.builder("pg.conn.subscriber.reconnects", subscriber, NotificationSubscriber::reconnects)
                .description("New LISTEN connections that took over after the first one")
                .tag("db.system.name", "postgresql")
                .tag("subscriber", beanName)
                .register(registry));
        meters.add(FunctionCounter.builder("pg.conn.subscriber.notifications", subscriber,
                        NotificationSubscriber::notificationsReceived)
                .description("Notifications handed to the subscriber's listeners")
                .tag("db.system.name", "postgresql")
                .tag("subscriber", beanName)
                .register(registry));
        return meters;
    }
}
