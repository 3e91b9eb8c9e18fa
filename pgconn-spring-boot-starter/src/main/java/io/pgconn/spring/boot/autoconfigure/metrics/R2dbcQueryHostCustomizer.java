package io.pgconn.spring.boot.autoconfigure.metrics;

import io.pgconn.r2dbc.PgConnUnwrap;
import io.r2dbc.proxy.ProxyConnectionFactory;
import io.r2dbc.proxy.listener.ProxyExecutionListener;
import io.r2dbc.proxy.observation.ObservationProxyExecutionListener;
import org.springframework.boot.r2dbc.autoconfigure.ProxyConnectionFactoryCustomizer;
import org.springframework.boot.r2dbc.autoconfigure.observation.R2dbcObservationAutoConfiguration;
import org.springframework.core.Ordered;

import java.util.List;

/**
 * On a pgconn factory's proxy, puts Boot's {@code r2dbc.query} listener inside an {@link R2dbcQueryHostListener},
 * in its place among the proxy's listeners. Ordered right after Boot's customizer
 * ({@link R2dbcObservationAutoConfiguration#R2DBC_PROXY_OBSERVATION_CUSTOMIZER_ORDER}), which has added that listener
 * by then. One bean: an application that replaces it (by its name, {@code pgConnR2dbcQueryHostCustomizer}) has no
 * host keys and nothing of the starter's on the proxy. Other drivers' factories are left as they are.
 */
final class R2dbcQueryHostCustomizer implements ProxyConnectionFactoryCustomizer, Ordered {

    @Override
    public void customize(ProxyConnectionFactory.Builder builder) {
        if (PgConnUnwrap.driverFactory(builder.getConnectionFactory()).isEmpty()) {
            return;
        }
        // r2dbc-proxy's own list: it calls the listeners in this order
        List<ProxyExecutionListener> listeners = builder.getProxyConfig().getListeners().getListeners();
        listeners.replaceAll(listener -> listener instanceof ObservationProxyExecutionListener
                ? new R2dbcQueryHostListener(listener) : listener);
    }

    @Override
    public int getOrder() {
        return R2dbcObservationAutoConfiguration.R2DBC_PROXY_OBSERVATION_CUSTOMIZER_ORDER + 1;
    }
}
