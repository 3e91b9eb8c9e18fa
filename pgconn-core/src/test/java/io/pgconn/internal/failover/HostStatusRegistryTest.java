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

    /** An Error of the application's code (a failed assertion, a class that would not load) is a listener's failure too. */
    @Test
    void aListenerThatThrowsAnErrorNeitherFailsTheRecordNorSilencesTheOthers() {
        registry.onUp(status -> {
            throw new AssertionError("a listener's failed check");
        });
        registry.onUp(told::add);
        registry.recordUp("a:5432", ServerRole.PRIMARY);
        assertThat(told).hasSize(1);
    }

    /** A VirtualMachineError goes to the thread's uncaught-exception handler, after every other listener heard the news. */
    @Test
    void aVirtualMachineErrorGoesToTheThreadsHandlerAfterTheOtherListenersHeard() {
        InternalError fatal = new InternalError("simulated"); // not an OutOfMemoryError: JUnit aborts the run on one
        registry.onUp(status -> {
            throw fatal;
        });
        registry.onUp(told::add);
        List<Throwable> handed = new CopyOnWriteArrayList<>();
        Thread thread = Thread.currentThread();
        Thread.UncaughtExceptionHandler before = thread.getUncaughtExceptionHandler();
        thread.setUncaughtExceptionHandler((t, e) -> handed.add(e));
        try {
            registry.recordUp("a:5432", ServerRole.PRIMARY);
        } finally {
            thread.setUncaughtExceptionHandler(before);
        }
        assertThat(told).hasSize(1);
        assertThat(handed).containsExactly(fatal);
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
