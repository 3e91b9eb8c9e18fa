package io.pgconn.spring.boot.autoconfigure.health;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.util.Map;

/** How the health ITs read the starter's health: the contributor's answer with details, and one host's entry of it. */
final class HealthDetails {

    private HealthDetails() {
    }

    /** {@code contributor}'s health with its details ({@code pgConnHealthContributor}: it waits for the probe round under way). */
    static Health of(HealthContributor contributor) {
        return ((HealthIndicator) contributor).health(true);
    }

    /** The details of {@code host} (its label) in {@code health}'s {@code hosts}; empty when it is not there (yet). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> host(Health health, String host) {
        Map<String, Map<String, Object>> hosts = (Map<String, Map<String, Object>>) health.getDetails().get("hosts");
        return hosts == null || hosts.get(host) == null ? Map.of() : hosts.get(host);
    }
}
