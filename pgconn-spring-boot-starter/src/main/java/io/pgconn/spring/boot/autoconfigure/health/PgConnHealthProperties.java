package io.pgconn.spring.boot.autoconfigure.health;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * Configuration properties of the pgconn health check.
 */
@ConfigurationProperties("management.health.pgconn")
public class PgConnHealthProperties {

    /**
     * Longest a health check waits for the first probe of every host after start-up; later
     * checks read the host monitors' last results at once.
     */
    private Duration timeout = Duration.ofSeconds(2);

    public Duration getTimeout() {
        return this.timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }
}
