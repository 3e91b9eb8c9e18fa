package io.pgconn.internal.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the peer's user ID becomes a name (requirepeer, REVIEW-9 F6): through NSS as libpq's getpwuid — the JDK's
 * owner of a file the ID owns —, with the user database file only as the last resort. Before, only
 * {@code /proc/<pid>} went through NSS, and an account from LDAP or sssd failed as "does not exist" whenever the
 * server's process was not visible here.
 */
class KernelSocketPeerTest {

    @TempDir
    Path dir;

    @Test
    void anAccountMissingFromThePasswdFileIsNamedThroughTheSocketFilesOwnerWhenTheProcessIsNotVisible() throws IOException {
        Path socket = Files.createFile(dir.resolve(".s.PGSQL.5432"));
        int uid = (Integer) Files.getAttribute(socket, "unix:uid");
        Path emptyPasswd = Files.createFile(dir.resolve("passwd"));

        assertThat(KernelSocketPeer.userName(uid, -1, socket, emptyPasswd)).isEqualTo(Files.getOwner(socket).getName());
    }

    @Test
    void thePeersProcessIsAskedFirst() throws IOException {
        Path self = Path.of("/proc", Long.toString(ProcessHandle.current().pid()));
        int uid = (Integer) Files.getAttribute(self, "unix:uid");
        Path emptyPasswd = Files.createFile(dir.resolve("passwd"));

        assertThat(KernelSocketPeer.userName(uid, (int) ProcessHandle.current().pid(), null, emptyPasswd))
                .isEqualTo(Files.getOwner(self).getName());
    }

    @Test
    void aFileOwnedByAnotherIdSaysNothingAndThePasswdFileIsTheLastResort() throws IOException {
        Path socket = Files.createFile(dir.resolve(".s.PGSQL.5432"));
        Path passwd = Files.writeString(dir.resolve("passwd"), "root:x:0:0::/root:/bin/sh\npgsrv:x:424242:424242::/:/bin/false\n");

        assertThat(KernelSocketPeer.userName(424242, -1, socket, passwd)).isEqualTo("pgsrv");
    }

    @Test
    void anIdNoUserHasFailsNamingTheId() throws IOException {
        Path socket = Files.createFile(dir.resolve(".s.PGSQL.5432"));
        Path emptyPasswd = Files.createFile(dir.resolve("passwd"));

        assertThatThrownBy(() -> KernelSocketPeer.userName(424242, -1, socket, emptyPasswd))
                .isInstanceOf(IOException.class).hasMessage("local user with ID 424242 does not exist");
    }

    /**
     * NIO: the JDK names an ID NSS does not know by its number (here its principal for 424242, made as the JDK's
     * SO_PEERCRED makes it); with no file of the peer's to tell the ID, the number is not taken for a name.
     */
    @Test
    void aPeerTheJdkNamesByANumberWithNoFileOfItsOwnIsNotNamed() throws IOException {
        Path socket = Files.createFile(dir.resolve(".s.PGSQL.5432")); // this process's, not the peer's
        UserPrincipal unnamed = socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("424242");

        assertThatThrownBy(() -> KernelSocketPeer.userName(unnamed, socket, Files.createFile(dir.resolve("passwd"))))
                .isInstanceOf(IOException.class).hasMessageStartingWith("local user with ID 424242 does not exist");
    }

    /** NIO: a name NSS gave is the name, whatever the files say. */
    @Test
    void aPeerTheJdkNamesIsThatName() throws IOException {
        Path socket = Files.createFile(dir.resolve(".s.PGSQL.5432"));
        UserPrincipal owner = Files.getOwner(socket);

        assertThat(KernelSocketPeer.userName(owner, socket, Files.createFile(dir.resolve("passwd")))).isEqualTo(owner.getName());
    }
}
