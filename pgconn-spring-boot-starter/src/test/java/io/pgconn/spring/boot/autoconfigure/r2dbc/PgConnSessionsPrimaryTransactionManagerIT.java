package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import reactor.core.publisher.Mono;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code @Primary} way out of two {@code TransactionManager} beans that docs/starter.md §2b warns about, in an
 * application context against a real server: each {@code @Transactional} without a qualifier then reaches the
 * primary one, whatever its kind. A {@code @Primary} blocking manager takes the reactive methods too — and runs
 * them outside any R2DBC transaction: Spring's {@code TransactionAspectSupport} hands a {@code Mono} method to a
 * {@code PlatformTransactionManager} as a blocking one, whose transaction ends when the {@code Mono} is returned,
 * before it runs, so each statement commits on its own and a failure keeps the writes before it. A {@code @Primary}
 * reactive manager refuses the blocking methods.
 */
class PgConnSessionsPrimaryTransactionManagerIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgConnSessionsTestSetup.cluster("starter-primary-tm");

    private static final AtomicInteger TABLES = new AtomicInteger();

    private final ApplicationContextRunner runner = PgConnSessionsTestSetup.runner(2,
                    R2dbcTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class)
            .withUserConfiguration(LedgerConfiguration.class);

    private ApplicationContextRunner onTheServer() {
        return PgConnSessionsTestSetup.onThePrimary(runner, PG);
    }

    /** The control: Boot's R2dbcTransactionManager alone rolls the reactive method's first write back. */
    @Test
    void withBootsReactiveManagerAloneAFailedReactiveMethodKeepsNothing() {
        onTheServer().run(context -> {
            Ledger ledger = context.getBean(Ledger.class);
            assertThat(context.getBean(TransactionManager.class)).isInstanceOf(R2dbcTransactionManager.class);
            assertThatThrownBy(() -> ledger.insertThenFail().block()).hasMessageContaining("division by zero");
            assertThat(ledger.rows().block()).isZero();
        });
    }

    @Test
    void aPrimaryBlockingManagerTakesTheReactiveMethodsAndRunsThemOutsideAnyTransaction() {
        onTheServer().withUserConfiguration(PrimaryBlockingManagerConfiguration.class).run(context -> {
            assertThat(context.getBeansOfType(TransactionManager.class)).hasSize(2);
            Ledger ledger = context.getBean(Ledger.class);
            CountingBlockingManager blocking = context.getBean(CountingBlockingManager.class);
            assertThat(ledger.blocking()).isEqualTo(1);
            assertThat(blocking.begun.get()).as("the blocking method's transaction").isEqualTo(1);
            assertThatThrownBy(() -> ledger.insertThenFail().block()).hasMessageContaining("division by zero");
            assertThat(blocking.begun.get()).as("the reactive method went to the blocking manager").isEqualTo(2);
            assertThat(blocking.committed.get()).as("committed when the Mono was returned, before it ran").isEqualTo(2);
            assertThat(ledger.rows().block()).as("the write before the failure was committed on its own").isEqualTo(1);
        });
    }

    @Test
    void aPrimaryReactiveManagerRefusesTheBlockingMethods() {
        onTheServer().withUserConfiguration(BlockingManagerConfiguration.class, PrimaryReactiveManagerConfiguration.class)
                .run(context -> {
                    assertThat(context.getBeansOfType(TransactionManager.class)).hasSize(2);
                    Ledger ledger = context.getBean(Ledger.class);
                    assertThatThrownBy(ledger::blocking).isInstanceOf(IllegalStateException.class)
                            .hasMessageStartingWith("Cannot apply reactive transaction to non-reactive return type [int]");
                    assertThatThrownBy(() -> ledger.insertThenFail().block()).hasMessageContaining("division by zero");
                    assertThat(ledger.rows().block()).isZero();
                });
    }

    public static class Ledger {

        private final DatabaseClient client;

        private final String table = "primary_tm_" + TABLES.incrementAndGet();

        Ledger(ConnectionFactory connectionFactory) {
            this.client = DatabaseClient.create(connectionFactory);
            this.client.sql("CREATE TABLE " + table + " (id int)").then().block();
        }

        /** Two statements that belong together: the second fails, so the first must not stay. */
        @Transactional
        public Mono<Long> insertThenFail() {
            return client.sql("INSERT INTO " + table + " VALUES (1)").then()
                    .then(client.sql("SELECT 1 / 0").map(row -> row.get(0, Long.class)).one());
        }

        public Mono<Long> rows() {
            return client.sql("SELECT count(*) FROM " + table).map(row -> row.get(0, Long.class)).one();
        }

        @Transactional
        public int blocking() {
            return 1;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class LedgerConfiguration {

        @Bean
        Ledger ledger(ConnectionFactory connectionFactory) {
            return new Ledger(connectionFactory);
        }
    }

    /** A blocking manager that counts its transactions (as one for JDBC or JPA would run them). */
    static class CountingBlockingManager extends AbstractPlatformTransactionManager {

        private static final long serialVersionUID = 1L;

        final transient AtomicInteger begun = new AtomicInteger();

        final transient AtomicInteger committed = new AtomicInteger();

        @Override
        protected Object doGetTransaction() {
            return new Object();
        }

        @Override
        protected void doBegin(Object transaction, TransactionDefinition definition) {
            begun.incrementAndGet();
        }

        @Override
        protected void doCommit(DefaultTransactionStatus status) {
            committed.incrementAndGet();
        }

        @Override
        protected void doRollback(DefaultTransactionStatus status) {
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrimaryBlockingManagerConfiguration {

        @Bean
        @Primary
        CountingBlockingManager blockingTransactionManager() {
            return new CountingBlockingManager();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class BlockingManagerConfiguration {

        @Bean
        PlatformTransactionManager blockingTransactionManager() {
            return new CountingBlockingManager();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrimaryReactiveManagerConfiguration {

        @Bean
        @Primary
        ReactiveTransactionManager reactiveTransactionManager(ConnectionFactory connectionFactory) {
            return new R2dbcTransactionManager(connectionFactory);
        }
    }
}
