package io.pgconn.internal.transport;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.PeerCredentials;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.pgconn.Transport;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The peer's credentials from the connected socket itself (SO_PEERCRED: the user of the process that
 * listens, fixed by the kernel when it called {@code listen()}), never from the socket file, whose owner
 * anybody with write access to the directory can choose. On epoll and io_uring Netty reads them
 * ({@code peerCredentials()}: a user ID and a process ID); on NIO the JDK does
 * ({@link ExtendedSocketOptions#SO_PEERCRED}, already with the user's name — or, for an ID NSS does not know,
 * its number: {@link #userName(UserPrincipal, Path, Path)}). Naming the user goes through NSS, which may block
 * (LDAP, sssd): callers ask off the event loop.
 */
final class KernelSocketPeer implements SocketPeer {

    private static final Path PASSWD = Path.of("/etc/passwd");

    private final Transport transport;

    KernelSocketPeer(Transport transport) {
        this.transport = transport;
    }

    @Override
    public String userName(Channel channel) throws IOException {
        return switch (transport) {
            case NIO -> userName(Nio.peer(channel), socketFile(channel), PASSWD);
            case EPOLL -> userName(Epoll.credentials(channel), socketFile(channel));
            case IO_URING -> userName(IoUring.credentials(channel), socketFile(channel));
        };
    }

    private static String userName(PeerCredentials peer, Path socketFile) throws IOException {
        return userName(peer.uid(), peer.pid(), socketFile, PASSWD);
    }

    /** The socket file the channel is connected to, or null. */
    private static Path socketFile(Channel channel) {
        SocketAddress remote = channel.remoteAddress();
        if (remote instanceof UnixDomainSocketAddress socket) { // NIO
            return socket.getPath();
        }
        if (TransportChannels.isAbstractSocket(remote)) {
            return null; // no file stands for it
        }
        return remote instanceof DomainSocketAddress socket ? Path.of(socket.path()) : null;
    }

    /**
     * The JDK's peer user (NIO's SO_PEERCRED) named as the user ID is named on epoll and io_uring
     * ({@link #userName(int, int, Path, Path)}). The JDK names the ID itself, through NSS ({@code getpwuid}), and
     * names an ID that NSS does not know by its number — which epoll's way does not take for a name (libpq: "could
     * not look up local user ID"). The JDK gives no ID and no process ID; a name that is a number is that case
     * (or, against useradd's and systemd's rules, an account whose name is a number): the ID is then read from a
     * file the peer owns — the socket file or its directory, whose owner the JDK's principal equals (the JDK
     * compares principals by ID) — and named as epoll names it, {@code /etc/passwd} the last resort. When neither
     * file is the peer's, the ID cannot be told and the peer is not named.
     *
     * @throws IOException when no user has the peer's ID, or it cannot be told
     */
    static String userName(UserPrincipal peer, Path socketFile, Path passwd) throws IOException {
        String name = peer.getName();
        if (!isNumber(name)) {
            return name; // NSS named it
        }
        Integer uid = idOfThePeer(peer, socketFile);
        if (uid == null) {
            throw new IOException("local user with ID " + name + " does not exist (the JDK names the peer by this number"
                    + " alone, and neither the socket file nor its directory is the peer's to tell its ID)");
        }
        if (!name.equals(Integer.toString(uid))) {
            return name; // an account whose name is a number
        }
        return userName(uid, -1, socketFile, passwd);
    }

    /** Whether {@code name} is how Java writes an int (the JDK's name for an ID NSS does not know: {@code Integer.toString(uid)}). */
    private static boolean isNumber(String name) {
        return name.matches("-?[0-9]{1,10}");
    }

    /** The user ID of the socket file or its directory, when the JDK's principal for its owner is {@code peer}; else null. */
    private static Integer idOfThePeer(UserPrincipal peer, Path socketFile) {
        if (socketFile == null) {
            return null;
        }
        for (Path file : new Path[]{socketFile, socketFile.getParent()}) {
            try {
                Map<String, Object> owner = Files.readAttributes(file, "unix:uid,owner"); // one stat: the ID and its owner agree
                if (peer.equals(owner.get("owner")) && owner.get("uid") instanceof Integer uid) {
                    return uid;
                }
            } catch (IOException | RuntimeException e) {
                // unreadable, gone, or the root's parent: the other file may still tell
            }
        }
        return null;
    }

    /**
     * The name of the peer's user ID, as libpq's {@code getpwuid} finds it: through NSS, so also an account
     * from LDAP or sssd. Java has no call from a user ID to a name, but reading a file's owner makes the JDK
     * make that call ({@code getpwuid_r}); it needs a file that this user ID owns: {@code /proc/<pid>} of the
     * peer's process (not visible in another PID namespace), else the socket file the server made, or its
     * directory. Their owner is only used for the name of the ID the kernel gave, read in the same
     * {@code stat} as the ID — whoever chose the file, it says nothing else. Else {@code passwd}: an account
     * of the user database file. The JDK names an ID that NSS does not know by its number: not a name.
     *
     * @param pid the peer's process ID, 0 or less when unknown
     * @param socketFile the socket file, or null
     * @throws IOException when no user has the ID (libpq: "could not look up local user ID")
     */
    static String userName(int uid, int pid, Path socketFile, Path passwd) throws IOException {
        List<Path> ownedByThePeer = new ArrayList<>();
        if (pid > 0) {
            ownedByThePeer.add(Path.of("/proc", Integer.toString(pid)));
        }
        if (socketFile != null) {
            ownedByThePeer.add(socketFile);
            if (socketFile.getParent() != null) {
                ownedByThePeer.add(socketFile.getParent());
            }
        }
        for (Path file : ownedByThePeer) {
            String name = nameIfOwnedBy(file, uid);
            if (name != null) {
                return name;
            }
        }
        return fromPasswd(uid, passwd);
    }

    /** The name NSS gives {@code file}'s owner, when that is {@code uid}; else null. */
    private static String nameIfOwnedBy(Path file, int uid) {
        try {
            Map<String, Object> owner = Files.readAttributes(file, "unix:uid,owner"); // one stat: the ID and its name agree
            if (Integer.valueOf(uid).equals(owner.get("uid")) && owner.get("owner") instanceof UserPrincipal user
                    && !user.getName().equals(Integer.toString(uid))) {
                return user.getName();
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone or hidden (hidepid), the file unreadable: the next place may still tell
        }
        return null;
    }

    private static String fromPasswd(int uid, Path passwd) throws IOException {
        List<String> lines = Files.readAllLines(passwd);
        for (String line : lines) {
            String[] fields = line.split(":", -1);
            if (fields.length > 2 && fields[2].equals(Integer.toString(uid))) {
                return fields[0];
            }
        }
        throw new IOException("local user with ID " + uid + " does not exist");
    }

    // each transport's classes in a class of their own, loaded only when that transport is used (see TransportChannels)

    private static final class Nio {
        static UserPrincipal peer(Channel channel) throws IOException {
            UnixDomainPrincipal peer;
            try {
                peer = channel.config().getOption(NioChannelOption.of(ExtendedSocketOptions.SO_PEERCRED));
            } catch (RuntimeException e) {
                throw new IOException(e.getMessage(), e);
            }
            if (peer == null) {
                throw new IOException("the JDK does not support SO_PEERCRED on this platform");
            }
            return peer.user();
        }
    }

    private static final class Epoll {
        static PeerCredentials credentials(Channel channel) throws IOException {
            return ((EpollDomainSocketChannel) channel).peerCredentials();
        }
    }

    private static final class IoUring {
        static PeerCredentials credentials(Channel channel) throws IOException {
            return ((IoUringDomainSocketChannel) channel).peerCredentials();
        }
    }
}
