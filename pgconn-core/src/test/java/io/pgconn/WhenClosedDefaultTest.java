package io.pgconn;

import io.pgconn.config.ConnConfig;
import io.pgconn.spi.HostObservations;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An implementation of the application's own (a test double) compiles without {@link PgConnectionFactory#whenClosed()}
 * (before session 24 it was abstract: this class did not compile), and calling it says which class does not say when
 * it closes, instead of a future that would never complete or complete at once.
 */
class WhenClosedDefaultTest {

    @Test
    void theDefaultRefusesNamingTheImplementation() {
        PgConnectionFactory own = new OwnFactory();
        assertThatThrownBy(own::whenClosed).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining(OwnFactory.class.getName())
                .hasMessageContaining("whenClosed()")
                .hasMessageContaining("delegates");
    }

    /** A double that implements what it needs; everything else refused. */
    private static final class OwnFactory implements PgConnectionFactory {

        @Override
        public ConnConfig config() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<PgConnection> connect() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<PgConnection> connect(ConnConfig connConfig) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<HostStatus> hostStatuses() {
            return List.of();
        }

        @Override
        public HostObservations hostObservations(java.lang.invoke.MethodHandles.Lookup watcher) {
            throw new UnsupportedOperationException();
        }

        @Override
        public HostUpRegistration onHostUp(Consumer<HostStatus> listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Builder builderWithSameTls(ConnConfig config) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void forgetTypeOids() {
        }

        @Override
        public int openConnections() {
            return 0;
        }

        @Override
        public boolean isClosed() {
            return false;
        }

        @Override
        public CompletableFuture<Void> closeAsync(Duration timeout) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
        }
    }
}
