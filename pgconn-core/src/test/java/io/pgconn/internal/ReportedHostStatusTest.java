package io.pgconn.internal;

import io.pgconn.testing.TestHostWatcher;
import io.pgconn.HostStatus;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What a watcher outside the factory reports lands in its host memory, as its own attempts would. */
class ReportedHostStatusTest {

    private static final HostSpec DB1 = HostSpec.of("db1", 5432);
    private static final HostSpec DB2 = HostSpec.of("db2", 5433);

    @Test
    void reportedStatusesAreWhatTheFactoryRemembers() {
        try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().hosts(DB1, DB2).build())
                .threads(1).build()) {
            TestHostWatcher.of(factory).down(DB1, "connection refused (db1:5432)");
            TestHostWatcher.of(factory).up(DB2, ServerRole.STANDBY);
            List<HostStatus> statuses = factory.hostStatuses();
            assertThat(statuses.get(0).state()).isEqualTo(HostStatus.State.DOWN);
            assertThat(statuses.get(0).lastError()).isEqualTo("connection refused (db1:5432)");
            assertThat(statuses.get(1).state()).isEqualTo(HostStatus.State.UP);
            assertThat(statuses.get(1).role()).isEqualTo(ServerRole.STANDBY);

            TestHostWatcher.of(factory).up(DB1, ServerRole.PRIMARY);
            assertThat(factory.hostStatuses().get(0).state()).isEqualTo(HostStatus.State.UP);
            assertThat(factory.hostStatuses().get(0).lastError()).isNull();
        }
    }

    @Test
    void aHostReportedFullKeepsItsRoleAndIsNotDown() {
        try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().hosts(DB1, DB2).build())
                .threads(1).build()) {
            TestHostWatcher.of(factory).up(DB1, ServerRole.PRIMARY);
            TestHostWatcher.of(factory).full(DB1, "server error 53300 (db1:5432)");
            HostStatus full = factory.hostStatus(DB1.label());
            assertThat(full.state()).isEqualTo(HostStatus.State.FULL);
            assertThat(full.role()).isEqualTo(ServerRole.PRIMARY);
            assertThat(full.lastError()).isEqualTo("server error 53300 (db1:5432)");
            TestHostWatcher.of(factory).up(DB1, ServerRole.PRIMARY);
            assertThat(factory.hostStatus(DB1.label()).state()).isEqualTo(HostStatus.State.UP);
        }
    }

    @Test
    void aSiblingFactoryHasItsOwnMemory() {
        try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().hosts(DB1).build()).threads(1).build();
             PgConnectionFactory sibling = factory.builderWithSameTls(factory.config()).threads(1).build()) {
            TestHostWatcher.of(factory).down(DB1, "gone");
            assertThat(sibling.hostStatuses().get(0).state()).isEqualTo(HostStatus.State.UNKNOWN);
        }
    }
}
