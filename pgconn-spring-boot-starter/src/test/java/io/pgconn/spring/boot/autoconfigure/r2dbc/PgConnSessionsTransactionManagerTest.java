package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.NoUniqueBeanDefinitionException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Why {@link PgConnSessions} is no Spring {@code TransactionManager} (docs/starter.md §2b): next to Boot's
 * reactive {@code R2dbcTransactionManager}, a second {@code TransactionManager} bean — a blocking
 * {@code PlatformTransactionManager} such as one for MVC — makes every {@code @Transactional} without a
 * qualifier fail, reactive or blocking, with "expected single matching bean but found 2". With the starter
 * alone there is one, and {@code @Transactional} reaches it (a refused port: its connect fails).
 */
class PgConnSessionsTransactionManagerTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnR2dbcAutoConfiguration.class,
                    PgConnSessionsAutoConfiguration.class, R2dbcTransactionManagerAutoConfiguration.class,
                    TransactionAutoConfiguration.class))
            .withUserConfiguration(LedgerConfiguration.class)
            .withPropertyValues("pg.conn.hosts=127.0.0.1:" + StarterCluster.refusedPort(), "pg.conn.startup-check=none",
                    "pg.conn.ssl.mode=disable", "pg.conn.connect-timeout=2s");

    @Test
    void theStarterAddsSessionsButNoTransactionManagerSoTransactionalReachesBootsOne() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(PgConnSessions.class).hasSingleBean(TransactionManager.class)
                    .hasSingleBean(TransactionalOperator.class);
            assertThatThrownBy(() -> context.getBean(Ledger.class).reactive().block())
                    .isInstanceOf(CannotCreateTransactionException.class).hasMessageContaining("R2DBC Connection");
        });
    }

    @Test
    void aSecondTransactionManagerMakesEveryTransactionalAmbiguous() {
        runner.withUserConfiguration(BlockingManagerConfiguration.class).run(context -> {
            assertThat(context.getBeansOfType(TransactionManager.class)).hasSize(2);
            assertThatThrownBy(() -> context.getBean(Ledger.class).reactive().block())
                    .isInstanceOf(NoUniqueBeanDefinitionException.class)
                    .hasMessageContaining("expected single matching bean but found 2");
            assertThatThrownBy(() -> context.getBean(Ledger.class).blocking())
                    .isInstanceOf(NoUniqueBeanDefinitionException.class)
                    .hasMessageContaining("expected single matching bean but found 2");
        });
    }

    public static class Ledger {

        @Transactional
        public Mono<Integer> reactive() {
            return Mono.just(1);
        }

        @Transactional
        public int blocking() {
            return 1;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class LedgerConfiguration {

        @Bean
        Ledger ledger() {
            return new Ledger();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class BlockingManagerConfiguration {

        @Bean
        PlatformTransactionManager blockingTransactionManager() {
            return new AbstractPlatformTransactionManager() {
                private static final long serialVersionUID = 1L;

                @Override
                protected Object doGetTransaction() {
                    return new Object();
                }

                @Override
                protected void doBegin(Object transaction, TransactionDefinition definition) {
                }

                @Override
                protected void doCommit(DefaultTransactionStatus status) {
                }

                @Override
                protected void doRollback(DefaultTransactionStatus status) {
                }
            };
        }
    }
}
