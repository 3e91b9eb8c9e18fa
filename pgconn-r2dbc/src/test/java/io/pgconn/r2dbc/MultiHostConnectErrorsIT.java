package io.pgconn.r2dbc;

import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * REVIEW F2: a multi-host connect is classified by the failure that decided the walk — the host that
 * stopped it (a refused password) or was the last one tried (a database that does not exist) — not by a host that was
 * down before it.
 */
class MultiHostConnectErrorsIT {

    private static final Duration STEP = Duration.ofSeconds(20);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-multihost-errors", 0).build();

    @Test
    void aWrongPasswordAfterAHostThatIsDownIsPermissionDenied() throws IOException {
        Throwable error = connectError(R2dbcTestServer.USER, "not-the-password", R2dbcTestServer.DATABASE);
        assertThat(error).isInstanceOf(R2dbcPermissionDeniedException.class);
        assertThat(((R2dbcException) error).getSqlState()).isEqualTo("28P01");
        assertThat(error.getMessage()).doesNotContain("not-the-password");
    }

    @Test
    void aMissingDatabaseAfterAHostThatIsDownIsNonTransient() throws IOException {
        Throwable error = connectError(R2dbcTestServer.USER, R2dbcTestServer.PASSWORD, "no_such_database");
        assertThat(error).isInstanceOf(R2dbcNonTransientResourceException.class);
        assertThat(((R2dbcException) error).getSqlState()).isEqualTo("3D000");
        assertThat(error.getMessage()).contains("no_such_database");
    }

    /** The walk ran out of hosts that were down: a retry may find one up. */
    @Test
    void everyHostDownIsTransient() throws IOException {
        ConnectionFactory factory = ConnectionFactories.get(ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, "pgconn")
                .option(ConnectionFactoryOptions.HOST, "127.0.0.1:" + deadPort() + ",127.0.0.1:" + deadPort())
                .option(ConnectionFactoryOptions.USER, R2dbcTestServer.USER)
                .option(ConnectionFactoryOptions.PASSWORD, R2dbcTestServer.PASSWORD)
                .option(ConnectionFactoryOptions.DATABASE, R2dbcTestServer.DATABASE)
                .option(io.r2dbc.spi.Option.valueOf("sslmode"), "disable").build());
        try {
            assertThat(catchThrowable(() -> Mono.from(factory.create()).block(STEP)))
                    .isInstanceOf(R2dbcTransientResourceException.class);
        } finally {
            ((PgConnR2dbcConnectionFactory) factory).close();
        }
    }

    /** A host that is down first, then the real server. */
    private static Throwable connectError(String user, String password, String database) throws IOException {
        ConnectionFactory factory = ConnectionFactories.get(ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, "pgconn")
                .option(ConnectionFactoryOptions.HOST, "127.0.0.1:" + deadPort() + ",127.0.0.1:" + PG.primary().port())
                .option(ConnectionFactoryOptions.USER, user)
                .option(ConnectionFactoryOptions.PASSWORD, password)
                .option(ConnectionFactoryOptions.DATABASE, database)
                .option(io.r2dbc.spi.Option.valueOf("sslmode"), "disable").build());
        try {
            Throwable error = catchThrowable(() -> Mono.from(factory.create()).block(STEP));
            assertThat(error).as("the connect fails").isNotNull();
            assertThat(error.getMessage()).as("both hosts were tried").contains("could not connect to any of 2 hosts");
            return error;
        } finally {
            ((PgConnR2dbcConnectionFactory) factory).close();
        }
    }

    /** A port nobody listens on: bound, then let go, so a connect to it is refused. */
    private static int deadPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
