package io.pgconn;

import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.spi.HostObservations;
import io.pgconn.spi.HostWatcher;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A factory's {@link HostObservations} are a capability of a host watcher's class, not of whoever holds the factory
 * (docs/lifecycle.md §2.4): {@link PgConnectionFactory#hostObservations(MethodHandles.Lookup)} hands them to the
 * full-privilege lookup of a class that implements {@link HostWatcher} only, and refuses any other lookup with an
 * {@link IllegalCallerException} naming its class. Before, {@code factory.hostObservations()} gave them to any caller.
 */
class HostWatcherLookupTest {

    private static final HostSpec DB1 = HostSpec.of("db1", 5432);

    /** A watcher as the starter's is: it presents the lookup it made itself. */
    static final class Watcher implements HostWatcher {
        static HostObservations of(PgConnectionFactory factory) {
            return factory.hostObservations(MethodHandles.lookup());
        }

        /** Its lookup without private access: no proof that the caller is the watcher's class. */
        static HostObservations withoutPrivateAccess(PgConnectionFactory factory) {
            return factory.hostObservations(MethodHandles.lookup().dropLookupMode(MethodHandles.Lookup.PRIVATE));
        }
    }

    @Test
    void aWatchersOwnLookupGetsTheFactorysObservations() {
        try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().hosts(DB1).build()).threads(1).build()) {
            HostObservations observations = Watcher.of(factory);
            assertThat(Watcher.of(factory)).as("the same object on every call").isSameAs(observations);
            observations.down(DB1, "connection refused (db1:5432)");
            assertThat(factory.hostStatus(DB1.label()).state()).isEqualTo(HostStatus.State.DOWN);
        }
    }

    @Test
    void anyOtherLookupIsRefusedNamingItsClass() {
        try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().hosts(DB1).build()).threads(1).build()) {
            assertThatThrownBy(() -> factory.hostObservations(MethodHandles.lookup()))
                    .as("an application's class, no watcher").isInstanceOf(IllegalCallerException.class)
                    .hasMessageContaining(HostWatcherLookupTest.class.getName())
                    .hasMessageContaining("does not implement io.pgconn.spi.HostWatcher");
            assertThatThrownBy(() -> factory.hostObservations(MethodHandles.publicLookup()))
                    .isInstanceOf(IllegalCallerException.class).hasMessageContaining("java.lang.Object");
            assertThatThrownBy(() -> Watcher.withoutPrivateAccess(factory))
                    .as("a watcher's lookup with its private access dropped").isInstanceOf(IllegalCallerException.class)
                    .hasMessageContaining(Watcher.class.getName()).hasMessageContaining("no full privilege access");
            assertThatThrownBy(() -> factory.hostObservations(null)).isInstanceOf(NullPointerException.class);
            assertThat(factory.hostStatus(DB1.label()).state()).as("nothing told").isEqualTo(HostStatus.State.UNKNOWN);
        }
    }
}
