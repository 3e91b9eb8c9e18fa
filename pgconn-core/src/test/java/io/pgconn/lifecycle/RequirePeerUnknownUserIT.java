package io.pgconn.lifecycle;

import io.pgconn.PgConnectException;
import io.pgconn.PgConnectionFactory;
import io.pgconn.Transport;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * requirepeer when the server runs under a user ID that no account has (a container's arbitrary UID, a
 * deleted account): libpq's getpwuid finds no name and the connect fails ("could not look up local user ID").
 * On epoll and io_uring pgconn did so; on NIO the JDK names such an ID by its number, and that number was
 * taken for the user's name — requirepeer=424242 accepted a server run by the unnamed ID 424242, and any
 * other requirepeer was refused as a mismatch naming "424242" as a user (session 10's leftover). Every
 * transport now fails alike. The server is a scripted peer (perl, under setpriv): PostgreSQL itself refuses
 * to start under an ID without an account, and the JVM runs as one; only root can start a process under
 * another ID (CI runs as root).
 */
class RequirePeerUnknownUserIT {

    private static final int UNNAMED_UID = 424242;

    private static final String LISTENER = "use IO::Socket::UNIX; my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => $ARGV[0],"
            + " Listen => 5) or die \"listen: $!\"; $| = 1; print \"listening\\n\"; my @held; while (my $c = $s->accept) { push @held, $c }"; // held open: the check reads a live peer

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Transport.class)
    void aServerUnderAUserIdWithoutAnAccountIsNotNamedByItsNumber(Transport transport) throws Exception {
        assumeTrue(transport.isAvailable() || "true".equals(System.getenv("CI")), transport + " is not available on this machine");
        assumeTrue(isRoot() || "true".equals(System.getenv("CI")), "only root can run the peer under another user ID");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x")); // the peer passes through to its directory
        Path socketDir = Files.createDirectory(dir.resolve("sock"));
        Files.setOwner(socketDir, socketDir.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(Integer.toString(UNNAMED_UID))); // no account has it: the JDK takes the number as the ID
        Path socket = socketDir.resolve(".s.PGSQL.5432");
        Process peer = new ProcessBuilder(List.of("setpriv", "--reuid=" + UNNAMED_UID, "--regid=" + UNNAMED_UID, "--clear-groups",
                "perl", "-e", LISTENER, socket.toString())).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).as("the peer listens as UID %d", UNNAMED_UID).isEqualTo("listening");
            assertThat(Files.getAttribute(socket, "unix:uid")).isEqualTo(UNNAMED_UID);
            String config = "host=" + socketDir + " port=5432 user=alice dbname=app sslmode=disable connect_timeout=5 extensionTypes=''"
                    + " requirepeer=";
            try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().build()).transport(transport).threads(1).build()) {
                for (String required : List.of(Integer.toString(UNNAMED_UID), "postgres")) {
                    assertThat(failure(factory.connect(ConnConfig.parse(config + required, EnvironmentSource.of(Map.of())))))
                            .as("requirepeer=%s", required)
                            .isInstanceOf(PgConnectException.class)
                            .hasMessage("connection to server on socket \"" + socket + "\" failed: requirepeer specifies \"" + required
                                    + "\", but the peer's user could not be found: local user with ID " + UNNAMED_UID + " does not exist");
                }
                assertThat(factory.openConnections()).isZero();
            }
        } finally {
            peer.destroy();
            peer.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static boolean isRoot() throws Exception {
        return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    }
}
