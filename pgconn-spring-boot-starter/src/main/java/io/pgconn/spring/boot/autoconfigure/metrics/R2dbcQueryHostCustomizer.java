package io.pgconn.spring.boot.autoconfigure.metrics;

import io.pgconn.r2dbc.PgConnUnwrap;
import io.r2dbc.proxy.ProxyConnectionFactory;
import org.springframework.boot.r2dbc.autoconfigure.ProxyConnectionFactoryCustomizer;
import org.springframework.boot.r2dbc.autoconfigure.observation.R2dbcObservationAutoConfiguration;
import org.springframework.core.Ordered;

/**
 * Gives a pgconn factory's r2dbc-proxy an {@link R2dbcQueryHostListener}, after Boot's observation
 * listener (whose customizer has {@link R2dbcObservationAutoConfiguration#R2DBC_PROXY_OBSERVATION_CUSTOMIZER_ORDER}):
 * r2dbc-proxy calls its listeners in the order they were added, so Boot's observation exists when the
 * host is added to it. Other drivers' factories are left as they are.
 */
final class R2dbcQueryHostCustomizer implements ProxyConnectionFactoryCustomizer, Ordered {

    @Override
    public void customize(ProxyConnectionFactory.Builder builder) {
        if (PgConnUnwrap.driverFactory(builder.getConnectionFactory()).isPresent()) {
            builder.listener(new R2dbcQueryHostListener());
        }
    }

    @Override
    public int getOrder() {
        return R2dbcObservationAutoConfiguration.R2DBC_PROXY_OBSERVATION_CUSTOMIZER_ORDER + 1;
    }
}
