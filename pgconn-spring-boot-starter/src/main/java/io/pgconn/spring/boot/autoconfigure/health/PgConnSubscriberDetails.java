package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnectionFactory;
import io.pgconn.notify.NotificationSubscriber;
import io.pgconn.notify.SubscriberState;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@link NotificationSubscriber}s over a {@link PgConnectionFactory}, as the {@code pgConn}
 * health shows them under {@code subscribers}: a LISTEN that re-connects forever is invisible
 * otherwise, and "it stopped getting notifications" is the other half of "is the application healthy".
 */
@FunctionalInterface
public interface PgConnSubscriberDetails {

    /** Subscriber name to its state (no secrets), for each subscriber over {@code factory}; empty when none. */
    Map<String, Map<String, Object>> of(PgConnectionFactory factory);

    /**
     * The {@link NotificationSubscriber} beans of {@code beans}, by bean name, read when health is
     * checked; a lazy subscriber bean nobody has asked for yet is not created for it.
     */
    static PgConnSubscriberDetails beansOf(ConfigurableListableBeanFactory beans) {
        return factory -> {
            Map<String, Map<String, Object>> subscribers = new LinkedHashMap<>();
            for (String name : beans.getBeanNamesForType(NotificationSubscriber.class, false, false)) {
                if (beans.containsSingleton(name)) {
                    NotificationSubscriber subscriber = beans.getBean(name, NotificationSubscriber.class);
                    if (subscriber.factory() == factory) {
                        subscribers.put(name, details(subscriber.state()));
                    }
                }
            }
            return subscribers;
        };
    }

    /** How health and the meters' {@code status} tag spell {@code status}: {@code listening}, {@code gave-up}, ... */
    static String statusLabel(SubscriberState.Status status) {
        return status.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * {@code status} (lower case: {@code listening}, {@code reconnecting}, ...), and what else is known: while
     * listening the {@code host} and {@code listeningSince}; {@code attempt} while (re-)connecting; the last failure,
     * if any, as {@code lastError} (a few words and the host, {@link SubscriberFailureWords}) and {@code lastErrorAt}.
     * The last failure is history, kept after the subscriber listens again: {@code status} is the present, and a
     * {@code lastErrorAt} before {@code listeningSince} is over (docs/starter.md §3).
     */
    static Map<String, Object> details(SubscriberState state) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("status", statusLabel(state.status()));
        if (state.host() != null) {
            details.put("host", state.host());
        }
        if (state.listeningSince() != null) {
            details.put("listeningSince", state.listeningSince().toString());
        }
        details.put("channels", state.channels().stream().toList());
        if (state.attempt() > 0) {
            details.put("attempt", state.attempt());
        }
        if (state.lastFailure() != null) {
            details.put("lastError", SubscriberFailureWords.of(state.lastFailure()));
            details.put("lastErrorAt", state.lastFailure().at().toString());
        }
        return details;
    }
}
