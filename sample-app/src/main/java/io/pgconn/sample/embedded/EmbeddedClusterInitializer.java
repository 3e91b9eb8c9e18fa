package io.pgconn.sample.embedded;

import io.pgconn.spring.boot.autoconfigure.PgConnProperties;
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
        PgConnProperties properties = Binder.get(environment).bindOrCreate("pg.conn", PgConnProperties.class);
        EmbeddedClusterStartup startup = EmbeddedClusterStartup.begin(
                properties.getUsername() != null ? properties.getUsername() : DEFAULT_NAME,
                properties.getDatabase() != null ? properties.getDatabase() : DEFAULT_NAME);
        beans.registerSingleton(EmbeddedClusterStartup.BEAN_NAME, startup);
        // destroyed with the context, also when the refresh fails
        beans.registerDisposableBean(EmbeddedClusterStartup.BEAN_NAME, startup);
    }
}
