package io.pgconn.spring.boot.autoconfigure.health;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * Configuration properties of the pgconn health check.
 */
@ConfigurationProperties("management.health.pgconn")
public class PgConnHealthProperties {

    /**
     * Time allowed for one health check: validating the monitor connection, or re-opening it
     * through the failover logic when it broke.
     */
    private Duration timeout = Duration.ofSeconds(2);

    public Duration getTimeout() {
        return this.timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }
}
