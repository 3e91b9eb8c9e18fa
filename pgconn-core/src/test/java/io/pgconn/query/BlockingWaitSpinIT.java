package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.PgServerException;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code blockingWaitSpin}: a caller blocked on each statement's future gets its rows and its errors as without it. */
class BlockingWaitSpinIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    @Test
    void aCallerBlockedOnEachStatementGetsItsRowsAndErrors() throws Exception {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "blockingWaitSpin=200us");
        try {
            for (int i = 0; i < 200; i++) {
                assertThat(c.query("SELECT $1::int + 1", i).join().single(Integer.class)).isEqualTo(i + 1);
            }
            assertThat(c.query("SELECT $1::int", 7).get(10, TimeUnit.SECONDS).single(Integer.class)).isEqualTo(7);
            assertThat(c.statement("SELECT g FROM generate_series(1, $1::int) g").bind(0, 3).map(r -> r.get(0, Integer.class)).get())
                    .containsExactly(1, 2, 3);
            assertThat(c.statement("SELECT 'a'").collect().join()).hasSize(1);
            assertThat(c.query("SELECT 2").thenApply(r -> r.single(Integer.class) * 2).join()).isEqualTo(4);

            assertThatThrownBy(() -> c.query("SELECT 1/0").join()).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(PgServerException.class);
            assertThatThrownBy(() -> c.query("SELECT 1/0").get()).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(PgServerException.class);
            assertThat(c.query("SELECT 'still usable'").join().single(String.class)).isEqualTo("still usable");
        } finally {
            await(c.close());
        }
    }
}
