package io.pgconn.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
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
