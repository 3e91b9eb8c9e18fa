package io.pgconn.spring.boot.autoconfigure.metrics;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * Whether Boot's {@code r2dbc.query} observation wraps the starter's R2DBC factory: Boot's
 * {@code R2dbcObservationAutoConfiguration} registered its r2dbc-proxy customizer
 * ({@code observationProxyConnectionFactoryCustomizer}, with an {@code ObservationRegistry}), a
 * {@code ConnectionFactoryDecorator} applies it (Boot's {@code R2dbcProxyAutoConfiguration}), and the
 * starter's R2DBC auto-configuration, which applies the decorators to its factory, is active. Read from
 * the bean definitions, which are all known before the first bean is made (docs/starter.md §4).
 */
final class R2dbcQueryObservation {

    static final String BOOTS_CUSTOMIZER = "observationProxyConnectionFactoryCustomizer";

    private static final String DECORATOR = "org.springframework.boot.r2dbc.ConnectionFactoryDecorator";

    private static final String STARTERS_R2DBC = "io.pgconn.spring.boot.autoconfigure.r2dbc.PgConnR2dbcAutoConfiguration";

    private R2dbcQueryObservation() {
    }

    static boolean appliesToTheStartersFactory(ListableBeanFactory beans) {
        ClassLoader loader = R2dbcQueryObservation.class.getClassLoader();
        if (!ClassUtils.isPresent(DECORATOR, loader) || !ClassUtils.isPresent("io.pgconn.r2dbc.PgConnR2dbcConnectionFactory", loader)
                || !beans.containsBeanDefinition(BOOTS_CUSTOMIZER)) {
            return false;
        }
        return beans.getBeanNamesForType(ClassUtils.resolveClassName(DECORATOR, loader), false, false).length > 0
                && beans.getBeanNamesForType(ClassUtils.resolveClassName(STARTERS_R2DBC, loader), false, false).length > 0;
    }
}
