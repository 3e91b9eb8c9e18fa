package io.pgconn.spring.boot.autoconfigure.health;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;

import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code pgConn} health of several {@link io.pgconn.PgConnectionFactory} beans: one
 * {@link PgConnHealthIndicator} per bean, named after it. Closes their monitors at context close,
 * which Spring does only for the bean itself.
 */
final class PgConnHealthIndicators implements CompositeHealthContributor, DisposableBean {

    private final Map<String, PgConnHealthIndicator> indicators;

    private final CompositeHealthContributor composite;

    PgConnHealthIndicators(Map<String, PgConnHealthIndicator> indicators) {
        this.indicators = Map.copyOf(indicators);
        this.composite = CompositeHealthContributor.fromMap(indicators);
    }

    @Override
    public HealthContributor getContributor(String name) {
        return this.composite.getContributor(name);
    }

    @Override
    public Stream<HealthContributors.Entry> stream() {
        return this.composite.stream();
    }

    @Override
    public void destroy() {
        this.indicators.values().forEach(PgConnHealthIndicator::destroy);
    }
}
