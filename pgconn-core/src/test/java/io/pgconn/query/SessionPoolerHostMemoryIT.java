package io.pgconn.query;

import io.pgconn.HostStatus;
import io.pgconn.PgConnectException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * NEW-USER-21 F2, the core's half, against a real PgBouncer in session mode with one server session: a session that
 * ran a query holds it, so a new client's login is answered at once (from the first server session's parameters)
 * and its first query waits in PgBouncer's queue — here the connect's extension type look-up, which a factory repeats
 * when its memory of the type OIDs has expired ({@code hostRecheckInterval}; {@code forgetTypeOids()} stands for that).
 * The connect times out at {@code hostConnectTimeout}. While the factory has a session open to the host, the host is
 * remembered {@code full} (a pool evicts nothing), not {@code down}, which made the user's pool close six working
 * sessions as {@code host-down}; with none open, {@code down} as before. Seen failing before the change: {@code down}.
 */
class SessionPoolerHostMemoryIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    private static TransactionPoolerProcess pooler;

    @BeforeAll
    static void startPooler() throws Exception {
        pooler = TransactionPoolerProcess.start(PG.primary().port(), QueryCluster.USER, 1, "session");
    }

    @AfterAll
    static void stopPooler() throws Exception {
        if (pooler != null) {
            pooler.close();
        }
    }

    /** Connects that give the host 1 s: a login queued by PgBouncer behind the held server session times out. */
    private static PgConnectionFactory factory() {
        return PgConnectionFactory.builder(config("1s")).build();
    }

    private static ConnConfig config(String hostConnectTimeout) {
        return ConnConfig.parse("host=127.0.0.1 port=" + pooler.port() + " dbname=pooled user=" + QueryCluster.USER
                + " sslmode=disable hostConnectTimeout=" + hostConnectTimeout + " connectTimeout=20s",
                EnvironmentSource.of(Map.of("HOME", System.getProperty("java.io.tmpdir"))));
    }

    private static String label() {
        return "127.0.0.1:" + pooler.port();
    }

    /** A session of {@code factory} that holds the pooler's one server session until it is closed. */
    private static PgConnection holdingTheServerSession(PgConnectionFactory factory) {
        // 10 s for this one: PgBouncer may have to log in to the server first (same factory, same host memory)
        PgConnection holder = await(factory.connect(config("10s")));
        assertThat(await(holder.query("SELECT 1")).single(Integer.class)).isEqualTo(1);
        return holder;
    }

    @Test
    void aConnectQueuedBehindASessionOfItsOwnFactoryLeavesTheHostFullAndTheSessionWorking() {
        try (PgConnectionFactory factory = factory()) {
            PgConnection holder = holdingTheServerSession(factory);
            factory.forgetTypeOids();

            Throwable timedOut = failure(factory.connect());

            assertThat(timedOut).isInstanceOf(PgConnectException.class).hasMessageContaining("did not complete the connection within 1000ms");
            HostStatus status = factory.hostStatus(label());
            assertThat(status.state()).as(status.toString()).isEqualTo(HostStatus.State.FULL);
            assertThat(status.lastError()).contains("1 session of this factory to it is open", "remembered full, not down");
            assertThat(await(holder.query("SELECT 2")).single(Integer.class)).isEqualTo(2);
        }
    }

    @Test
    void withNoSessionOfItsOwnThereTheSameTimeoutMarksTheHostDown() {
        try (PgConnectionFactory other = factory(); PgConnectionFactory factory = factory()) {
            holdingTheServerSession(other);

            Throwable timedOut = failure(factory.connect());

            assertThat(timedOut).isInstanceOf(PgConnectException.class).hasMessageContaining("did not complete the connection within 1000ms");
            assertThat(factory.hostStatus(label()).state()).isEqualTo(HostStatus.State.DOWN);
        }
    }
}
