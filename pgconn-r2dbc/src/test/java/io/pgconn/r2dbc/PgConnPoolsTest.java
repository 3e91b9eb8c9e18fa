package io.pgconn.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a {@link PgConnPools} pool is made of (no server: nothing here connects). */
class PgConnPoolsTest {

    private final PgConnectionFactory core = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(1).build();

    @AfterEach
    void close() {
        core.close();
    }

    @Test
    void withAnAcquireTimeThePoolCreatesThroughTheRetryOverTheDecoratedDriverFactory() {
        AtomicReference<ConnectionFactory> decorated = new AtomicReference<>();
        PgConnConnectionPool pool = PgConnPools.over(core).maxSize(4).maxAcquireTime(Duration.ofSeconds(5))
                .decorate(driver -> {
                    decorated.set(driver);
                    return WrappingProxies.around(driver);
                }).build();
        try {
            assertThat(decorated.get()).isInstanceOf(PgConnR2dbcConnectionFactory.class);
            ConnectionFactory poolFactory = pool.unwrap();
            assertThat(poolFactory).isInstanceOf(PgConnPoolCreateRetry.class);
            ConnectionFactory underRetry = ((PgConnPoolCreateRetry) poolFactory).unwrap();
            assertThat(underRetry).isNotSameAs(decorated.get()).isInstanceOf(Wrapped.class);
            assertThat(((Wrapped<?>) underRetry).unwrap()).isSameAs(decorated.get());
            assertThat(pool.getMetrics()).get().satisfies(metrics -> assertThat(metrics.getMaxAllocatedSize()).isEqualTo(4));
        } finally {
            pool.dispose();
        }
    }

    @Test
    void decoratorsAndConfigurationsGivenTwiceCombineInTheirOrder() {
        // the starter's PgConnPoolBuilders sets a session-counting decorator and an eviction counter; an application's
        // r2dbc-proxy or meter given on the same builder replaced them before (closing-note-29). Eviction consumers given
        // twice are built in here too; that both are told, in order, is PoolEvictionConsumersIT's (an eviction needs a
        // server; REVIEW-31 R31-4)
        List<String> order = new ArrayList<>();
        AtomicReference<ConnectionFactory> first = new AtomicReference<>();
        AtomicReference<ConnectionFactory> second = new AtomicReference<>();
        PgConnConnectionPool pool = PgConnPools.over(core).maxAcquireTime(Duration.ZERO).initialSize(0)
                .decorate(driver -> {
                    order.add("decorate 1");
                    first.set(WrappingProxies.around(driver));
                    return first.get();
                })
                .decorate(firstWrapped -> {
                    order.add("decorate 2");
                    assertThat(firstWrapped).as("the second decorator wraps the first's").isSameAs(first.get());
                    second.set(WrappingProxies.around(firstWrapped));
                    return second.get();
                })
                .evicted(reason -> order.add("evicted 1 " + reason))
                .evicted(reason -> order.add("evicted 2 " + reason))
                .configure(builder -> order.add("configure 1"))
                .configure(builder -> order.add("configure 2"))
                .build();
        try {
            assertThat(pool.unwrap()).as("the pool creates through both").isSameAs(second.get());
            assertThat(((Wrapped<?>) second.get()).unwrap()).isSameAs(first.get());
            assertThat(((Wrapped<?>) first.get()).unwrap()).isInstanceOf(PgConnR2dbcConnectionFactory.class);
            assertThat(order).containsExactly("decorate 1", "decorate 2", "configure 1", "configure 2");
        } finally {
            pool.dispose();
        }
    }

    @Test
    void aDecoratorReturningNullIsRefused() {
        assertThatThrownBy(() -> PgConnPools.over(core).decorate(driver -> null).decorate(driver -> driver).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("decorate returned null");
    }

    @Test
    void withoutAnAcquireTimeThereIsNoRetry() {
        PgConnConnectionPool pool = PgConnPools.over(core).maxAcquireTime(Duration.ZERO).build();
        try {
            assertThat(pool.unwrap()).isInstanceOf(PgConnR2dbcConnectionFactory.class);
        } finally {
            pool.dispose();
        }
    }

    @Test
    void sizesOutsideTheirRangeAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> PgConnPools.over(core).maxSize(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxSize 0");
        assertThatThrownBy(() -> PgConnPools.over(core).maxSize(3).initialSize(4).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initialSize 4").hasMessageContaining("(3)");
        assertThatThrownBy(() -> PgConnPools.over(core).acquireRetry(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("acquireRetry -1");
    }
}
