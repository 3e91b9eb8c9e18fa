package io.pgconn.r2dbc;

import io.pgconn.PgClosedException;
import io.pgconn.PgConfigException;
import io.pgconn.PgConnectException;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgErrors;
import io.pgconn.PgException;
import io.pgconn.PgRoleMismatchException;
import io.pgconn.PgTlsException;
import io.pgconn.ServerErrorFields;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.TargetSessionAttrs;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Which failed connects {@link PgConnPoolCreateRetry} tries again within the acquire's deadline, as the pool sees
 * them: the core's failure translated by the driver ({@link R2dbcErrors}), classified by the core's
 * {@code ConnectFailures.isWorthRetryingSoon} or {@code isNoFreeSlot}. Refused, reset, 57P03, 57P01, 57P02, closed
 * while opened, no primary yet (one host, or a walk of standbys), a full server (53300) pass; a refused password
 * (28P01, 28000), a missing database (3D000), TLS, configuration, another server error, and what is no pgconn
 * failure do not.
 */
class PoolCreateRetryPassesTest {

    private static final String DB1 = "db1:5432";

    @Test
    void aServerBrieflyAwayPasses() {
        for (PgException away : new PgException[] {
                new PgConnectException(DB1, "connection to " + DB1 + " failed: connection refused"),
                new PgConnectException(DB1, "connection to " + DB1 + " failed: the server reset the connection (ECONNRESET)"),
                startup("57P03"), startup("57P01"), startup("57P02"), startup("53300"),
                new PgClosedException(DB1, "connection to " + DB1 + " closed"),
                new PgRoleMismatchException(DB1, ServerRole.STANDBY, TargetSessionAttrs.READ_WRITE),
                walkOfStandbys()}) {
            assertThat(PgConnPoolCreateRetry.passes(R2dbcErrors.translate(away))).as(away.getMessage()).isTrue();
        }
    }

    @Test
    void aLastingFailureAndAnotherErrorDoNotPass() {
        for (PgException lasting : new PgException[] {startup("28P01"), startup("28000"), startup("3D000"),
                startup("XX000"), new PgTlsException(DB1, "server " + DB1 + " does not support TLS (sslmode=require)"),
                new PgConfigException(null, "sslmode", "sometimes", "invalid sslmode")}) {
            assertThat(PgConnPoolCreateRetry.passes(R2dbcErrors.translate(lasting))).as(lasting.getMessage()).isFalse();
        }
        assertThat(PgConnPoolCreateRetry.passes(new IllegalStateException("not a connect failure"))).isFalse();
    }

    /** A closed factory never connects again: the create retry fails at once (it tried until its deadline). */
    @Test
    void aClosedFactoryDoesNotPass() {
        PgConnectionFactory core = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(1).build();
        core.close();
        Throwable closed = catchThrowable(() -> Mono.from(PgConnR2dbcConnectionFactory.of(core).create()).block(Duration.ofSeconds(5)));
        assertThat(closed).hasMessageContaining("connection factory is closed");
        assertThat(PgConnPoolCreateRetry.passes(closed)).isFalse();
    }

    private static PgException walkOfStandbys() {
        PgConnectException walk = new PgConnectException(null, "could not connect to any of 2 hosts (target_session_attrs=read-write):");
        walk.addSuppressed(new PgRoleMismatchException(DB1, ServerRole.STANDBY, TargetSessionAttrs.READ_WRITE));
        walk.addSuppressed(new PgRoleMismatchException("db2:5432", ServerRole.STANDBY, TargetSessionAttrs.READ_WRITE));
        return walk;
    }

    private static PgException startup(String sqlState) {
        return PgErrors.fromServer(DB1, new ServerErrorFields(Map.of('S', "FATAL", 'V', "FATAL", 'C', sqlState, 'M', "no")), true);
    }
}
