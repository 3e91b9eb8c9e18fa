package io.pgconn.internal.failover;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.testing.StatementRecorder;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.StopMode;
import io.pgconn.trace.PgTracer.StatementEnded;
import io.pgconn.trace.PgTracer.StatementOutcome;
import io.pgconn.trace.PgTracer.StatementStarted;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A statement event names the server its connection is on (docs/query.md §8): of a multi-host
 * factory, the host the connect chose — after a failover, the promoted standby.
 */
class StatementTraceFailoverIT {

    @RegisterExtension
    static final PgClusterExtension PG = FailoverCluster.withStandbys("stmttrace", 1);

    @Test
    void afterAFailoverTheStatementsOfANewConnectionNameThePromotedStandby() {
        PgServer oldPrimary = PG.primary();
        PgServer standby = PG.standby(0);
        StatementRecorder tracer = new StatementRecorder();
        ConnConfig config = FailoverCluster.config("target_session_attrs=read-write hostConnectTimeout=2s", oldPrimary.port(), standby.port());
        try (PgConnectionFactory factory = PgConnectionFactory.builder(config).threads(2).tracer(tracer).build()) {
            PgConnection before = await(factory.connect());
            await(before.query("SELECT 1"));
            oldPrimary.stop(StopMode.IMMEDIATE);
            standby.promote();
            failure(before.query("SELECT 2"));
            PgConnection after = await(factory.connect());
            await(after.query("SELECT 3"));
            assertThat(tracer.starts()).extracting(StatementStarted::sql, StatementStarted::port)
                    .containsExactly(org.assertj.core.api.Assertions.tuple("SELECT 1", oldPrimary.port()),
                            org.assertj.core.api.Assertions.tuple("SELECT 2", oldPrimary.port()),
                            org.assertj.core.api.Assertions.tuple("SELECT 3", standby.port()));
            assertThat(tracer.ends()).extracting(StatementEnded::outcome)
                    .containsExactly(StatementOutcome.SUCCESS, StatementOutcome.CONNECTION_LOST, StatementOutcome.SUCCESS);
            assertThat(tracer.starts().get(2).processId()).isEqualTo(after.processId());
            await(after.close());
        }
    }
}
