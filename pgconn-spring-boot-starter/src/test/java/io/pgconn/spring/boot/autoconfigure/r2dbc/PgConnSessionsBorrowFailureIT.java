package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgTimeoutException;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import io.r2dbc.spi.R2dbcTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * NEW-USER-20 F3: a borrow the pool cannot serve throws a core {@code PgException}, as everything else
 * {@link PgConnSessions} does — a Spring MVC application catching {@code PgException} saw r2dbc-pool's
 * {@code R2dbcTimeoutException} "Connection acquisition timed out after 3000ms" (after 6 s, no host, no reason) and
 * the driver's {@code R2dbcNonTransientResourceException} around a TLS failure.
 */
class PgConnSessionsBorrowFailureIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder().name("starter-sessions-borrow")
            .user(PgUser.scram(StarterCluster.USER, StarterCluster.PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .build();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnR2dbcAutoConfiguration.class,
                    PgConnSessionsAutoConfiguration.class))
            .withPropertyValues("pg.conn.database=postgres", "pg.conn.username=" + StarterCluster.USER,
                    "pg.conn.ssl.mode=disable", "pg.conn.extension-types=", "pg.conn.startup-check=none",
                    "pg.conn.pool.initial-size=0", "pg.conn.hosts=" + StarterCluster.label(PG.primary()));

    @Test
    void aBorrowWhileEverySessionIsLentOutTimesOutWithAPgTimeoutExceptionSayingWhatThePoolAndTheHostsWere() {
        String host = StarterCluster.label(PG.primary());
        runner.withPropertyValues("pg.conn.password=" + StarterCluster.PASSWORD, "pg.conn.pool.max-size=1",
                "pg.conn.pool.max-acquire-time=300ms", "pg.conn.pool.acquire-retry=0").run(context -> {
            PgConnSessions sessions = context.getBean(PgConnSessions.class);
            CountDownLatch lent = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Integer> holder = CompletableFuture.supplyAsync(() -> sessions.withSession(c -> {
                lent.countDown();
                try {
                    return release.await(30, TimeUnit.SECONDS) ? c.processId() : -1;
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
            try {
                assertThat(lent.await(20, TimeUnit.SECONDS)).isTrue();
                assertThatThrownBy(() -> sessions.withSession(c -> 1)).isInstanceOf(PgTimeoutException.class)
                        .hasMessageStartingWith("no session from the pool within ")
                        .hasMessageContaining("the pool had 1 session(s) lent out of at most 1, 0 idle")
                        .hasMessageContaining("target_session_attrs=any): " + host + " up (primary)")
                        .hasCauseInstanceOf(R2dbcTimeoutException.class);
            } finally {
                release.countDown();
            }
            assertThat(holder.get(20, TimeUnit.SECONDS)).isPositive();
            assertThat((int) sessions.withSession(c -> 1)).as("a borrow after the holder gave its session back").isEqualTo(1);
        });
    }

    @Test
    void aBorrowWhoseConnectFailsThrowsTheCoresFailure() {
        runner.withPropertyValues("pg.conn.password=not-the-Pa55word").run(context -> {
            PgConnSessions sessions = context.getBean(PgConnSessions.class);
            assertThatThrownBy(() -> sessions.inTransaction(c -> 1)).isInstanceOf(PgAuthenticationException.class)
                    .hasMessageNotContaining("not-the-Pa55word");
        });
    }
}
