package io.pgconn.internal.failover;

import io.pgconn.HostStatus;
import io.pgconn.HostUpRegistration;
import io.pgconn.ServerRole;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The host memory's host-up listeners (PgConnectionFactory.onHostUp). */
class HostStatusRegistryTest {

    private final HostStatusRegistry registry = new HostStatusRegistry(Clock.systemUTC());
    private final List<HostStatus> told = new CopyOnWriteArrayList<>();

    @Test
    void aListenerHearsEachHostRecordedUpUntilClosed() {
        HostUpRegistration registration = registry.onUp(told::add);
        registry.recordDown("a:5432", "refused");
        registry.recordUp("a:5432", ServerRole.PRIMARY);
        assertThat(told).singleElement().satisfies(status -> {
            assertThat(status.host()).isEqualTo("a:5432");
            assertThat(status.state()).isEqualTo(HostStatus.State.UP);
            assertThat(status.role()).isEqualTo(ServerRole.PRIMARY);
            assertThat(status).isEqualTo(registry.status("a:5432"));
        });

        registration.close();
        registration.close();
        registry.recordUp("a:5432", ServerRole.PRIMARY);
        assertThat(told).hasSize(1);
    }

    @Test
    void aThrowingListenerNeitherFailsTheRecordNorSilencesTheOthers() {
        registry.onUp(status -> {
            throw new IllegalStateException("listener bug");
        });
        registry.onUp(told::add);
        registry.recordUp("a:5432", ServerRole.STANDBY);
        assertThat(told).hasSize(1);
        assertThat(registry.status("a:5432").state()).isEqualTo(HostStatus.State.UP);
    }

    @Test
    void theSameListenerRegisteredTwiceIsClosedOnePerRegistration() {
        java.util.function.Consumer<HostStatus> listener = told::add;
        HostUpRegistration first = registry.onUp(listener);
        registry.onUp(listener);
        first.close();
        registry.recordUp("a:5432", ServerRole.PRIMARY);
        assertThat(told).hasSize(1);
    }
}
