package io.pgconn.sample.embedded;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Begins starting the embedded cluster before the application context is refreshed (registered in
 * {@code META-INF/spring.factories}), so PostgreSQL boots while Spring reads its configuration and
 * creates the web server; {@link EmbeddedClusterConfiguration} then waits for it. Does nothing when
 * {@code sample.embedded-cluster.enabled=false}.
 */
public final class EmbeddedClusterInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    static final String ENABLED = "sample.embedded-cluster.enabled";
    static final String DEFAULT_NAME = "app";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment environment = context.getEnvironment();
        if (!environment.getProperty(ENABLED, Boolean.class, true)
                || !(context.getBeanFactory() instanceof DefaultListableBeanFactory beans)
                || beans.containsSingleton(EmbeddedClusterStartup.BEAN_NAME)) {
            return;
        }
        // only the two names: the rest of pg.conn.* is bound (and reported when invalid) by the starter
        Binder binder = Binder.get(environment);
        EmbeddedClusterStartup startup = EmbeddedClusterStartup.begin(
                binder.bind("pg.conn.username", String.class).orElse(DEFAULT_NAME),
                binder.bind("pg.conn.database", String.class).orElse(DEFAULT_NAME));
        beans.registerSingleton(EmbeddedClusterStartup.BEAN_NAME, startup);
        // destroyed with the context, also when the refresh fails
        beans.registerDisposableBean(EmbeddedClusterStartup.BEAN_NAME, startup);
    }
}
