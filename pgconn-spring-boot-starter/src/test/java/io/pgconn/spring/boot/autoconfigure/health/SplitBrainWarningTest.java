package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.ServerRole;
import io.pgconn.config.TargetSessionAttrs;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Two hosts answering as primary while the target wants one: a warning naming both; otherwise none. */
class SplitBrainWarningTest {

    private static final Instant NOW = Instant.parse("2026-12-03T19:00:00Z");

    private static HostView up(String host, ServerRole role) {
        return HostView.unknown(host).up(role, "18.1", NOW);
    }

    @Test
    void twoUpPrimariesUnderReadWriteAreASplitBrain() {
        List<HostView> views = List.of(up("db1:5432", ServerRole.PRIMARY), up("db2:5432", ServerRole.STANDBY),
                up("db3:5432", ServerRole.PRIMARY));
        assertThat(SplitBrainWarning.of(views, TargetSessionAttrs.READ_WRITE, views.get(2))).isEqualTo("2 hosts answer as primary: "
                + "db1:5432, db3:5432 (split brain? e.g. an old primary back after a failover without pg_rewind); "
                + "new connections (target_session_attrs=read-write) go to db3:5432");
        assertThat(SplitBrainWarning.of(views, TargetSessionAttrs.PRIMARY, views.get(0))).startsWith("2 hosts answer as primary: db1:5432, db3:5432")
                .endsWith("new connections (target_session_attrs=primary) go to db1:5432");
    }

    @Test
    void oneUpPrimaryADownOneOrAReadOnlyOneIsNoWarning() {
        HostView downPrimary = up("db2:5432", ServerRole.PRIMARY).down("no answer within 1000 ms (db2:5432)", NOW);
        assertThat(SplitBrainWarning.of(List.of(up("db1:5432", ServerRole.PRIMARY), downPrimary), TargetSessionAttrs.READ_WRITE, null)).isNull();
        assertThat(SplitBrainWarning.of(List.of(up("db1:5432", ServerRole.PRIMARY), up("db2:5432", ServerRole.READ_ONLY_PRIMARY)),
                TargetSessionAttrs.READ_WRITE, null)).isNull();
        assertThat(SplitBrainWarning.of(List.of(up("db1:5432", ServerRole.PRIMARY)), TargetSessionAttrs.READ_WRITE, null)).isNull();
    }

    @Test
    void targetsThatDoNotAskForOnePrimaryGetNoWarning() {
        List<HostView> views = List.of(up("db1:5432", ServerRole.PRIMARY), up("db2:5432", ServerRole.PRIMARY));
        assertThat(SplitBrainWarning.of(views, TargetSessionAttrs.ANY, views.get(0))).isNull();
        assertThat(SplitBrainWarning.of(views, TargetSessionAttrs.PREFER_STANDBY, views.get(0))).isNull();
    }
}
