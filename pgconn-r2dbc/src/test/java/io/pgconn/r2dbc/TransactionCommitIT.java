package io.pgconn.r2dbc;

import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * user3's F0: a COMMIT the server answers with ROLLBACK (the transaction had failed before) fails
 * {@code commitTransaction()} and {@code setAutoCommit(true)}, instead of reporting lost work as committed.
 */
class TransactionCommitIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-commit", 0).build();

    @Test
    void aCommitOfAFailedTransactionFailsAndTheConnectionGoesOn() {
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(R2dbcTestServer.url(PG.primary(), ""))) {
            Connection c = Mono.from(factory.create()).block(STEP);
            try {
                run(c, "CREATE TABLE lost (n int PRIMARY KEY)");
                Mono.from(c.beginTransaction()).block(STEP);
                run(c, "INSERT INTO lost VALUES (1)");
                assertThatThrownBy(() -> run(c, "INSERT INTO lost VALUES (1)")).isInstanceOf(io.r2dbc.spi.R2dbcDataIntegrityViolationException.class);
                assertThatThrownBy(() -> Mono.from(c.commitTransaction()).block(STEP))
                        .isInstanceOf(TransactionRolledBackException.class).hasMessageContaining("did not commit")
                        .satisfies(e -> assertThat(((TransactionRolledBackException) e).getSqlState()).isEqualTo("25P02"));
                assertThat(c.isAutoCommit()).as("no transaction is open after it").isTrue();

                Mono.from(c.setAutoCommit(false)).block(STEP);
                run(c, "INSERT INTO lost VALUES (2)");
                assertThatThrownBy(() -> run(c, "SELECT 1 / 0")).isInstanceOf(io.r2dbc.spi.R2dbcException.class);
                assertThatThrownBy(() -> Mono.from(c.setAutoCommit(true)).block(STEP)).isInstanceOf(TransactionRolledBackException.class);

                assertThat(Mono.from(c.createStatement("SELECT count(*) FROM lost").execute())
                        .flatMapMany(r -> r.map((row, meta) -> row.get(0, Long.class))).blockLast(STEP)).isZero();
                Mono.from(c.beginTransaction()).block(STEP);
                run(c, "INSERT INTO lost VALUES (3)");
                Mono.from(c.commitTransaction()).block(STEP);
                assertThat(Mono.from(c.createStatement("SELECT n FROM lost").execute())
                        .flatMapMany(r -> r.map((row, meta) -> row.get(0, Integer.class))).blockLast(STEP)).isEqualTo(3);
            } finally {
                Mono.from(c.close()).block(STEP);
            }
        }
    }

    private static void run(Connection c, String sql) {
        Flux.from(c.createStatement(sql).execute()).flatMap(r -> r.getRowsUpdated()).blockLast(STEP);
    }
}
