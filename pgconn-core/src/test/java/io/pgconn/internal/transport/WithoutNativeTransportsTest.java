package io.pgconn.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.resolver.AddressResolver;
import io.netty.util.Version;
import io.pgconn.Transport;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The core on a class path without Netty's optional native transports (epoll, io_uring), as a Spring
 * application or the benchmark module has it — the core's own test class path has them. A NIO
 * connect to two refused ports must fail at once as two refusals.
 *
 * <p>Why: JDK 25's javac records a switch expression's result in the StackMapTable as the arms'
 * least upper bound class (AbstractChannel for {@code new EpollSocketChannel()} / {@code new
 * IoUringSocketChannel()} / {@code new NioSocketChannel()}) where JDK 17's javac recorded the target
 * interface (Channel). A class in a frame makes the verifier load each arm's class to check it is a
 * subclass, so verifying the class that held that switch threw NoClassDefFoundError without the
 * io_uring jar — inside the connect walk, where it was swallowed: the Bootstrap-less dial (ac34d0d)
 * waited for the 30 s connect timeout in the starter's tests on CI's Java 25 pass. This test fails
 * that way when the classes are compiled by JDK 25 and any class of the NIO connect path names a
 * native transport's class where the verifier must load it.
 */
class WithoutNativeTransportsTest {

    @Test
    void aNioConnectOverTwoRefusedHostsFailsAtOnceAsRefusals() throws Exception {
        try (URLClassLoader loader = new URLClassLoader(classPathWithoutNativeTransports(), ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> loader.loadClass("io.netty.channel.uring.IoUringSocketChannel")).isInstanceOf(ClassNotFoundException.class);
            assertThatThrownBy(() -> loader.loadClass("io.netty.channel.epoll.EpollSocketChannel")).isInstanceOf(ClassNotFoundException.class);

            @SuppressWarnings("unchecked")
            Callable<String> connect = (Callable<String>) loader.loadClass(RefusedNioConnect.class.getName()).getConstructor().newInstance();
            String outcome = connect.call();

            assertThat(outcome).startsWith("io.pgconn.PgConnectException:").contains("connection refused")
                    .doesNotContain("timed out").doesNotContain("NoClassDefFoundError");
        }
    }

    @Test
    void theTransportClassesLoadAndVerifyWithoutTheNativeTransports() throws Exception {
        try (URLClassLoader loader = new URLClassLoader(classPathWithoutNativeTransports(), ClassLoader.getPlatformClassLoader())) {
            for (Class<?> type : new Class<?>[]{TransportChannels.class, Dialer.class, KernelSocketPeer.class, CallerCloseGuard.class}) {
                // initialising links the class: the verifier checks every method, called or not
                assertThat(Class.forName(type.getName(), true, loader).getClassLoader()).isSameAs(loader);
            }
        }
    }

    /** The core's classes, its tests' classes and the Netty jars the core requires; no epoll or io_uring jar. */
    private static URL[] classPathWithoutNativeTransports() throws Exception {
        Set<URL> urls = new LinkedHashSet<>();
        for (Class<?> type : new Class<?>[]{Transport.class, WithoutNativeTransportsTest.class, Version.class, ByteBuf.class, Channel.class,
                AddressResolver.class, SslContext.class, ByteToMessageDecoder.class, DomainSocketAddress.class,
                Class.forName("com.ongres.saslprep.SASLprep"), Class.forName("com.ongres.stringprep.Profile")}) {
            URL location = type.getProtectionDomain().getCodeSource().getLocation();
            assertThat(location.toString()).doesNotContain("epoll").doesNotContain("io_uring");
            urls.add(location);
        }
        return urls.toArray(URL[]::new);
    }
}
