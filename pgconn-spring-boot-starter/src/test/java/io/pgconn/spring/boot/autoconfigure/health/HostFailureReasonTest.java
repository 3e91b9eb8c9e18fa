package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgTimeoutException;
import io.pgconn.config.HostSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** The short reason health shows for a host: what the user configured, not the monitor's own settings. */
class HostFailureReasonTest {

    private static final HostSpec HOST = HostSpec.of("db1.test", 5432);

    @Test
    void aConnectThatRanOutOfTimeIsNamedByTheProbesTimeNotTheMonitorsConnectTimeout() {
        // the monitor's own config sets connectTimeout to the probe's time (host-connect-timeout):
        // the core's wording "connectTimeout=10000ms" named a setting the user had not set
        PgTimeoutException connect = new PgTimeoutException(HOST.label(),
                "could not connect within connectTimeout=10000ms: server db1.test:5432 had not completed the connection");
        assertThat(HostFailureReason.of(connect, HOST, Duration.ofSeconds(10)))
                .isEqualTo("no answer within 10000 ms (db1.test:5432)").doesNotContain("connectTimeout");
        assertThat(HostFailureReason.of(new TimeoutException(), HOST, Duration.ofSeconds(10)))
                .isEqualTo("no answer within 10000 ms (db1.test:5432)");
    }
}
