package io.pgconn.spring.boot.autoconfigure.metrics;

import io.pgconn.r2dbc.PgConnUnwrap;
import io.r2dbc.proxy.ProxyConnectionFactory;
import org.springframework.boot.r2dbc.autoconfigure.ProxyConnectionFactoryCustomizer;
import org.springframework.boot.r2dbc.autoconfigure.observation.R2dbcObservationAutoConfiguration;
import org.springframework.core.Ordered;

/**
 * Gives a pgconn factory's r2dbc-proxy an {@link R2dbcQueryHostAhead} before Boot's observation listener and an
 * {@link R2dbcQueryHostListener} after it (whose customizer has {@link R2dbcObservationAutoConfiguration#R2DBC_PROXY_OBSERVATION_CUSTOMIZER_ORDER}):
 * r2dbc-proxy calls its listeners in the order they were added, so Boot's observation exists when the
 * host is added to it. Other drivers' factories are left as they are.
 */
final class R2dbcQueryHostCustomizer implements ProxyConnectionFactoryCustomizer, Ordered {

    private final boolean ahead;

    /**
     * {@code ahead}: the customizer ordered right before Boot's, adding {@link R2dbcQueryHostAhead} (the host on the
     * thread as the observation starts); else the one right after, adding {@link R2dbcQueryHostListener}.
     */
    R2dbcQueryHostCustomizer(boolean ahead) {
        this.ahead = ahead;
    }

    @Override
    public void customize(ProxyConnectionFactory.Builder builder) {
        if (PgConnUnwrap.driverFactory(builder.getConnectionFactory()).isPresent()) {
            builder.listener(this.ahead ? new R2dbcQueryHostAhead() : new R2dbcQueryHostListener());
        }
    }

    @Override
    public int getOrder() {
        return R2dbcObservationAutoConfiguration.R2DBC_PROXY_OBSERVATION_CUSTOMIZER_ORDER + (this.ahead ? -1 : 1);
    }
}
