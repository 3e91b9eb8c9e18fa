package io.pgconn.spring.boot.autoconfigure.metrics;

import io.pgconn.testing.TestHostWatcher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.spring.boot.autoconfigure.FailoverTrackers;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** New user 20's F13: a host's status and role are on a scrape, not only in health. */
class PgConnHostMetersTest {

    private static final HostSpec FIRST = HostSpec.of("db1.test.invalid", 5432);
    private static final HostSpec SECOND = HostSpec.of("db2.test.invalid", 5433);

    @Test
    void eachHostsStatusAndRoleReadOneForWhatTheFactoryRemembers() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().hosts(FIRST, SECOND)
                .user("app").build()).threads(1).build()) {
            new PgConnMeterBinder(Map.of("ordersPg", factory), new FailoverTrackers()).bindTo(registry);

            assertThat(status(registry, FIRST, "unknown")).as("nothing learned yet").isEqualTo(1.0);
            assertThat(status(registry, FIRST, "up")).isZero();
            assertThat(role(registry, SECOND, "unknown")).isEqualTo(1.0);

            TestHostWatcher.of(factory).up(FIRST, ServerRole.PRIMARY);
            TestHostWatcher.of(factory).down(SECOND, "refused");
            assertThat(status(registry, FIRST, "up")).isEqualTo(1.0);
            assertThat(status(registry, FIRST, "unknown")).isZero();
            assertThat(role(registry, FIRST, "primary")).isEqualTo(1.0);
            assertThat(role(registry, FIRST, "standby")).isZero();
            assertThat(status(registry, SECOND, "down")).isEqualTo(1.0);
            assertThat(status(registry, SECOND, "up")).isZero();

            TestHostWatcher.of(factory).full(FIRST, "too many clients");
            assertThat(status(registry, FIRST, "full")).isEqualTo(1.0);
            assertThat(status(registry, FIRST, "up")).isZero();
            assertThat(registry.find("pg.conn.host.status").tag("name", "ordersPg").gauges())
                    .as("one gauge per host and status").hasSize(2 * 4);
            assertThat(registry.find("pg.conn.host.role").tag("name", "ordersPg").gauges())
                    .as("one gauge per host and role").hasSize(2 * ServerRole.values().length);
        }
    }

    private static double status(SimpleMeterRegistry registry, HostSpec host, String status) {
        return registry.get("pg.conn.host.status").tag("name", "ordersPg").tag("host", host.label())
                .tag("status", status).gauge().value();
    }

    private static double role(SimpleMeterRegistry registry, HostSpec host, String role) {
        return registry.get("pg.conn.host.role").tag("name", "ordersPg").tag("host", host.label())
                .tag("role", role).gauge().value();
    }
}
