package io.pgconn.internal.transport;

import io.netty.channel.Channel;
import io.pgconn.Transport;

import java.io.IOException;

/**
 * Who is at the other end of a connected Unix-domain socket, as the kernel tells it (libpq's
 * {@code getpeereid}, for {@code requirepeer}). An interface so that a test can stand in for the
 * kernel; {@link #of(Transport)} asks the kernel.
 */
@FunctionalInterface
public interface SocketPeer {

    /**
     * The operating-system user name of the process that listens at the other end of {@code channel}. May block
     * (the system's user database, through NSS): never called on an event loop.
     *
     * @throws IOException when the kernel does not tell, or no user has the peer's user ID
     */
    String userName(Channel channel) throws IOException;

    /** The kernel's answer on {@code transport}'s Unix-domain socket channels ({@link KernelSocketPeer}). */
    static SocketPeer of(Transport transport) {
        return new KernelSocketPeer(transport);
    }
}
