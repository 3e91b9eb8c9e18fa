package io.pgconn.internal.transport;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.unix.PeerCredentials;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.pgconn.Transport;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The peer's credentials from the connected socket itself (SO_PEERCRED: the user of the process that
 * listens, fixed by the kernel when it called {@code listen()}), never from the socket file, whose owner
 * anybody with write access to the directory can choose. On epoll and io_uring Netty reads them
 * ({@code peerCredentials()}: a user ID and a process ID); on NIO the JDK does
 * ({@link ExtendedSocketOptions#SO_PEERCRED}, already with the user's name).
 */
final class KernelSocketPeer implements SocketPeer {

    private final Transport transport;

    KernelSocketPeer(Transport transport) {
        this.transport = transport;
    }

    @Override
    public String userName(Channel channel) throws IOException {
        return switch (transport) {
            case NIO -> Nio.userName(channel);
            case EPOLL -> userName(Epoll.credentials(channel));
            case IO_URING -> userName(IoUring.credentials(channel));
        };
    }

    /**
     * The name of the peer's user ID, as libpq's {@code getpwuid}. Java has no call from a user ID to a
     * name, but reading a file's owner makes the JDK make that call: {@code /proc/<pid>} of the peer is
     * owned by its user — used when its user ID is the one the kernel gave (not when the process is not
     * visible here, e.g. in another PID namespace). Else {@code /etc/passwd}, where a server's account is.
     */
    private static String userName(PeerCredentials peer) throws IOException {
        Path process = Path.of("/proc", Integer.toString(peer.pid()));
        try {
            if (peer.pid() > 0 && Integer.valueOf(peer.uid()).equals(Files.getAttribute(process, "unix:uid"))) {
                return Files.getOwner(process).getName();
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone or hidden (hidepid): the user database below still knows the name
        }
        return fromPasswd(peer.uid());
    }

    private static String fromPasswd(int uid) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/etc/passwd"));
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
        static String userName(Channel channel) throws IOException {
            UnixDomainPrincipal peer;
            try {
                peer = channel.config().getOption(NioChannelOption.of(ExtendedSocketOptions.SO_PEERCRED));
            } catch (RuntimeException e) {
                throw new IOException(e.getMessage(), e);
            }
            if (peer == null) {
                throw new IOException("the JDK does not support SO_PEERCRED on this platform");
            }
            return peer.user().getName();
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
