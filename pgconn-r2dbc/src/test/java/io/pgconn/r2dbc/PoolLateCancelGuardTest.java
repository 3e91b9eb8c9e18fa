package io.pgconn.r2dbc;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Wrapped;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.publisher.TestPublisher;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PoolLateCancelGuard}'s interleavings against a stand-in for r2dbc-pool's acquire: whoever lets go first — the
 * borrower's {@code close()} or a cancel of its acquire — runs the pooled connection's own release, once; a cancel before
 * a connection came goes to the pool. {@code PoolLateCancelIT} has the same against r2dbc-pool and PostgreSQL.
 */
class PoolLateCancelGuardTest {

    private static final Duration STEP = Duration.ofSeconds(5);

    private final AtomicInteger releases = new AtomicInteger();
    private final Sinks.Empty<Void> releaseEnd = Sinks.empty();
    private final Connection driverConnection = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                throw new UnsupportedOperationException(method.getName());
            });
    private final Connection pooled = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {Connection.class, Wrapped.class}, (proxy, method, args) -> switch (method.getName()) {
                case "close" -> Mono.defer(() -> {
                    releases.incrementAndGet();
                    return releaseEnd.asMono();
                });
                case "unwrap" -> args == null ? driverConnection : null;
                case "toString" -> "pooled";
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> throw new UnsupportedOperationException(method.getName());
            });

    private final TestPublisher<Connection> acquire = TestPublisher.createNoncompliant(TestPublisher.Violation.DEFER_CANCELLATION);
    private final List<Connection> lent = new CopyOnWriteArrayList<>();
    private final List<Object> discarded = new CopyOnWriteArrayList<>();
    private final BaseSubscriber<Connection> borrower = new BaseSubscriber<>() {
        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(1);
        }

        @Override
        protected void hookOnNext(Connection connection) {
            lent.add(connection);
        }
    };

    private Connection borrowed() {
        new PoolLateCancelGuard(acquire).doOnDiscard(Connection.class, discarded::add).subscribe(borrower);
        acquire.next(pooled);
        assertThat(lent).hasSize(1);
        return lent.get(0);
    }

    @Test
    void aCancelAfterTheBorrowersCloseBeganReleasesNothingMoreAndIsNotPassedOn() {
        Connection connection = borrowed();
        Mono.from(connection.close()).subscribe();
        borrower.cancel();
        releaseEnd.tryEmitEmpty();
        assertThat(releases).hasValue(1);
        assertThat(acquire.wasCancelled()).as("r2dbc-pool's own release on cancel never runs").isFalse();
    }

    @Test
    void aCancelBeforeTheBorrowerClosedRunsTheConnectionsOwnReleaseAndTheLaterCloseWaitsForIt() {
        Connection connection = borrowed();
        borrower.cancel();
        assertThat(releases).hasValue(1);
        assertThat(acquire.wasCancelled()).isFalse();

        Mono<Void> close = Mono.from(connection.close());
        assertThat(close.toFuture()).isNotDone();
        releaseEnd.tryEmitEmpty();
        close.block(STEP);
        assertThat(releases).hasValue(1);
    }

    @Test
    void theReleaseRunsOnceAndToItsEndWhateverTheSubscribersOfCloseDo() {
        Connection connection = borrowed();
        Mono.from(connection.close()).subscribe().dispose();
        assertThat(releaseEnd.currentSubscriberCount()).as("the release goes on without the close's subscriber").isEqualTo(1);
        Mono.from(connection.close()).subscribe();
        borrower.cancel();
        assertThat(releases).hasValue(1);
        releaseEnd.tryEmitEmpty();
        Mono.from(connection.close()).block(STEP);
        assertThat(releases).hasValue(1);
    }

    @Test
    void aCancelBeforeTheConnectionCameGoesToThePoolAndALateConnectionIsDiscardedNotLentNorClosed() {
        new PoolLateCancelGuard(acquire).doOnDiscard(Connection.class, discarded::add).subscribe(borrower);
        borrower.cancel();
        assertThat(acquire.wasCancelled()).isTrue();

        acquire.next(pooled).complete();
        assertThat(lent).isEmpty();
        assertThat(discarded).containsExactly(pooled);
        assertThat(releases).as("r2dbc-pool releases it on the cancel it got; closing it here would release it twice")
                .hasValue(0);
    }

    @Test
    void theLentConnectionUnwrapsToWhatThePooledOneUnwrapsTo() {
        Connection connection = borrowed();
        assertThat(((Wrapped<?>) connection).unwrap()).isSameAs(driverConnection);
        assertThat(connection).hasToString("pooled");
    }
}
