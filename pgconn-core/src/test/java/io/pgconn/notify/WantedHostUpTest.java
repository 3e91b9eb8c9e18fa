package io.pgconn.notify;

import io.pgconn.HostStatus;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Which host-up news ends a re-connect's backoff (new user 9, F2). */
class WantedHostUpTest {

    private static WantedHostUp wanted(String target) {
        return WantedHostUp.of(ConnConfig.parse("host=a,b port=5432,5433 user=u target_session_attrs=" + target,
                EnvironmentSource.none()));
    }

    private static HostStatus up(String host, ServerRole role) {
        return new HostStatus(host, HostStatus.State.UP, role, Instant.EPOCH, null);
    }

    @Test
    void aConfiguredHostUpInARoleTheTargetAcceptsIsWanted() {
        assertThat(wanted("read-write").test(up("a:5432", ServerRole.PRIMARY))).isTrue();
        assertThat(wanted("read-write").test(up("b:5433", ServerRole.PRIMARY))).isTrue();
        assertThat(wanted("primary").test(up("b:5433", ServerRole.READ_ONLY_PRIMARY))).isTrue();
        assertThat(wanted("any").test(up("a:5432", ServerRole.UNKNOWN))).isTrue();
    }

    @Test
    void aRoleTheTargetRefusesIsNot() {
        assertThat(wanted("read-write").test(up("a:5432", ServerRole.STANDBY))).isFalse();
        assertThat(wanted("read-write").test(up("a:5432", ServerRole.READ_ONLY_PRIMARY))).isFalse();
        assertThat(wanted("primary").test(up("a:5432", ServerRole.STANDBY))).isFalse();
    }

    @Test
    void aHostOutsideTheConfigurationIsNot() {
        assertThat(wanted("any").test(up("c:5432", ServerRole.PRIMARY))).isFalse();
        assertThat(wanted("any").test(up("a:5433", ServerRole.PRIMARY))).as("same name, other port").isFalse();
    }

    @Test
    void aHostNotUpIsNot() {
        assertThat(wanted("any").test(new HostStatus("a:5432", HostStatus.State.DOWN, ServerRole.PRIMARY, Instant.EPOCH, "refused")))
                .isFalse();
    }
}
