package io.pgconn.internal.failover;

import io.pgconn.testing.TestHostWatcher;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.testing.MutableClock;
import io.pgconn.testing.RecordingTracer;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.trace.PgTracer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * New user 12 H1, a split brain: two independent primaries stand for the old primary that crashed and came back
 * without pg_rewind (the first host) and the promoted standby (the second). Once the factory's read-write connects
 * reached the second host while the first was unreachable, the first one coming back as a primary does not take new
 * connects by host order — before, the pool's replaced sessions went to it and the application wrote to both
 * (docs/lifecycle.md §2.4, §9). A sticky host that is demoted releases the connects.
 */
class StickyPrimaryIT {

    private static final Duration RECHECK = Duration.ofSeconds(10);

    @RegisterExtension
    static final PgClusterExtension OLD_PRIMARY = FailoverCluster.withStandbys("sticky-old", 0);

    @RegisterExtension
    static final PgClusterExtension PROMOTED = FailoverCluster.withStandbys("sticky-promoted", 0);

    @Test
    void anOldPrimaryBackAsASecondPrimaryTakesNoNewConnectsWhileTheHostTheyReachedIsUpAndADemotionReleasesThem() {
        PgServer oldPrimary = OLD_PRIMARY.primary();
        PgServer promoted = PROMOTED.primary();
        MutableClock clock = new MutableClock();
        RecordingTracer tracer = new RecordingTracer();
        ConnConfig config = FailoverCluster.config("target_session_attrs=read-write hostConnectTimeout=2s", oldPrimary.port(), promoted.port());
        HostSpec oldHost = config.hosts().get(0);
        try (PgConnectionFactory factory = PgConnectionFactory.builder(config).threads(2).clock(clock).tracer(tracer).build()) {
            oldPrimary.stop();
            try {
                assertThat(portOfNewConnect(factory)).as("the failover: the first host is unreachable").isEqualTo(promoted.port());
            } finally {
                oldPrimary.start();
            }
            // the old primary is back as a primary; a health monitor tells the factory so
            TestHostWatcher.of(factory).up(oldHost, ServerRole.PRIMARY);
            assertThat(portOfNewConnect(factory)).as("a new connect while both answer as primary").isEqualTo(promoted.port());
            clock.advance(RECHECK.plusSeconds(1)); // nothing learned for a while: the memory is stale
            assertThat(portOfNewConnect(factory)).as("after the memory went stale").isEqualTo(promoted.port());
            assertThat(factory.hostStatus(oldHost.label()).role()).isEqualTo(ServerRole.PRIMARY);

            // a planned switchback: the sticky host is demoted (read-only for read-write), new connects move
            promoted.setConfig("default_transaction_read_only", "on");
            try {
                assertThat(portOfNewConnect(factory)).as("the sticky host demoted").isEqualTo(oldPrimary.port());
                tracer.clear();
                assertThat(portOfNewConnect(factory)).isEqualTo(oldPrimary.port());
                assertThat(tracer.events(PgTracer.HostAttemptStarted.class)).as("the new sticky host is tried first").hasSize(1);
            } finally {
                promoted.setConfig("default_transaction_read_only", "off");
            }
        }
    }

    private static int portOfNewConnect(PgConnectionFactory factory) {
        PgConnection connection = await(factory.connect());
        try {
            return connection.hostSpec().port();
        } finally {
            await(connection.close());
        }
    }
}
