package io.pgconn.spring.boot.autoconfigure.health;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

import static io.pgconn.testing.Conditions.awaitCondition;

/**
 * How the health ITs read the starter's health: the contributor's answer with details, one host's entry of it, and a
 * wait for an answer that satisfies a condition.
 */
public final class HealthDetails {

    private HealthDetails() {
    }

    /** {@code contributor}'s health with its details ({@code pgConnHealthContributor}: it waits for the probe round under way). */
    public static Health of(HealthContributor contributor) {
        return ((HealthIndicator) contributor).health(true);
    }

    /** The details of {@code host} (its label) in {@code health}'s {@code hosts}; empty when it is not there (yet). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> host(Health health, String host) {
        Map<String, Map<String, Object>> hosts = (Map<String, Map<String, Object>>) health.getDetails().get("hosts");
        return hosts == null || hosts.get(host) == null ? Map.of() : hosts.get(host);
    }

    /**
     * Polls {@code contributor}'s health until {@code condition} holds, and returns that answer; fails after {@code within}
     * naming {@code what} and the last answer.
     */
    public static Health await(HealthContributor contributor, String what, Duration within, Predicate<Health> condition) {
        Health[] last = new Health[1];
        try {
            awaitCondition(what, within, () -> condition.test(last[0] = of(contributor)));
        } catch (AssertionError notReached) {
            throw new AssertionError(notReached.getMessage() + "; last health: " + last[0], notReached);
        }
        return last[0];
    }
}
