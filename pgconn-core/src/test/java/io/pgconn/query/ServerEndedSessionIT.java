package io.pgconn.query;

import io.pgconn.PgClosedException;
import io.pgconn.PgConnection;
import io.pgconn.PgException;
import io.pgconn.testing.Conditions;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A FATAL ErrorResponse ends the session whatever its SQLSTATE: the timeouts PostgreSQL enforces by
 * ending the session (25P03 idle_in_transaction_session_timeout, 25P04 transaction_timeout since 17)
 * surface as a closed connection with the server's code, like 57P01 does (review F1).
 */
class ServerEndedSessionIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    @Test
    void anIdleInTransactionTimeoutClosesTheConnectionWith25P03() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "options='-c idle_in_transaction_session_timeout=100'");
        try {
            await(c.begin());
            await(c.query("SELECT 1"));
            // left idle in the transaction: the server sends FATAL 25P03 on its own and exits
            Conditions.awaitCondition("the server ended the session idle in its transaction", Duration.ofSeconds(10), c::isClosed);
            Throwable next = failure(c.query("SELECT 2"));
            assertThat(next).isInstanceOf(PgClosedException.class).hasMessageContaining("25P03").hasMessageContaining(c.host());
            assertThat(((PgException) next).sqlState()).contains("25P03");
            assertThat(((PgException) next).endsSession()).isTrue();
            Throwable ended = failure(c.closeFuture());
            assertThat(ended).as("the server's own error, as a closed session").isInstanceOf(PgClosedException.class);
            assertThat(((PgException) ended).sqlState()).contains("25P03");
            assertThat(((PgException) ended).endsSession()).isTrue();
        } finally {
            await(c.close());
        }
    }

    @Test
    void aTransactionTimeoutEndsTheSessionOfTheRunningStatementWith25P04() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            assertThat(c.serverVersion()).startsWith("18");
            await(c.simpleQuery("SET transaction_timeout = '300ms'"));
            await(c.begin());
            CompletableFuture<RowSet> sleeping = c.query("SELECT pg_sleep(20)");
            Throwable error = failure(sleeping);
            assertThat(error).isInstanceOf(PgClosedException.class).hasMessageContaining("25P04");
            assertThat(((PgException) error).sqlState()).contains("25P04");
            assertThat(((PgException) error).endsSession()).isTrue();
            Conditions.awaitCondition("the connection reports itself closed", Duration.ofSeconds(10), c::isClosed);
            Throwable ended = failure(c.closeFuture());
            assertThat(ended).isInstanceOf(PgClosedException.class);
            assertThat(((PgException) ended).sqlState()).contains("25P04");
            assertThat(failure(c.query("SELECT 1"))).isInstanceOf(PgClosedException.class).hasMessageContaining("25P04");
        } finally {
            await(c.close());
        }
    }

    @Test
    void aStatementErrorDoesNotEndTheSession() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            Throwable error = failure(c.query("SELECT 1/0"));
            assertThat(((PgException) error).endsSession()).isFalse();
            assertThat(await(c.query("SELECT $1::int", 7)).single(Integer.class)).isEqualTo(7);
            assertThat(c.isClosed()).isFalse();
        } finally {
            await(c.close());
        }
    }
}
