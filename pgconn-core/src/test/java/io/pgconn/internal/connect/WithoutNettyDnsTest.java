package io.pgconn.internal.connect;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Version;
import io.pgconn.PgConnection;
import io.pgconn.Transport;
import io.pgconn.internal.failover.MultiHostConnector;
import io.pgconn.internal.transport.TransportChannels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The core on a class path without {@code io.netty:netty-resolver-dns} and {@code netty-codec-dns} — an application
 * that did not opt in (they are optional dependencies; the core's own test class path has them): the classes of the
 * connect path load and verify, a connect with the default resolver works as before, and one with
 * {@code hostResolver=netty-dns} fails at once naming the setting and the artifact to add (docs/lifecycle.md §1.1.1).
 */
@Timeout(60)
class WithoutNettyDnsTest {

    @Test
    void theConnectPathLoadsAndVerifiesWithoutNettysDnsResolver() throws Exception {
        try (URLClassLoader loader = new URLClassLoader(classPathWithoutNettyDns(), ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> loader.loadClass("io.netty.resolver.dns.DnsNameResolver")).isInstanceOf(ClassNotFoundException.class);
            assertThatThrownBy(() -> loader.loadClass("io.netty.handler.codec.dns.DnsRecord")).isInstanceOf(ClassNotFoundException.class);
            for (Class<?> type : new Class<?>[]{ConnectResources.class, AddressResolver.class, NettyDnsLookups.class,
                    BlockingCallPool.class, MultiHostConnector.class, TransportChannels.class}) {
                // initialising links the class: the verifier checks every method, called or not
                assertThat(Class.forName(type.getName(), true, loader).getClassLoader()).isSameAs(loader);
            }
        }
    }

    @Test
    void hostResolverNettyDnsFailsNamingTheSettingAndTheArtifactWhileTheDefaultStillResolves() throws Exception {
        try (URLClassLoader loader = new URLClassLoader(classPathWithoutNettyDns(), ClassLoader.getPlatformClassLoader())) {
            @SuppressWarnings("unchecked")
            Callable<String> connect = (Callable<String>) loader.loadClass(ConnectByName.class.getName()).getConstructor().newInstance();
            String outcome = connect.call();

            assertThat(outcome).doesNotContain("NoClassDefFoundError").doesNotContain("timed out");
            assertThat(outcome.lines().toList()).hasSize(2);
            assertThat(outcome.lines().toList().get(0)).as("the system resolver found localhost: the port refused")
                    .startsWith("system: io.pgconn.PgConnectException: ").containsIgnoringCase("refused");
            assertThat(outcome.lines().toList().get(1)).isEqualTo(
                    "netty-dns: io.pgconn.PgConfigException: could not translate host name \"localhost\" to an address:"
                            + " hostResolver=netty-dns asks the DNS servers with Netty's DNS client, which is not on the class path;"
                            + " add io.netty:netty-resolver-dns (at the version of your other Netty jars, e.g. through io.netty:netty-bom),"
                            + " or leave hostResolver unset to look names up with the system resolver");
        }
    }

    /**
     * Run inside the class loader above: connects to {@code localhost} at a port nothing listens on, once with each
     * resolver, and says each outcome as "resolver: exception class: first line of its message".
     */
    public static final class ConnectByName implements Callable<String> {
        static final int PORT = 1; // tcpmux: nothing listens there; a refusal, at once

        @Override
        public String call() {
            StringBuilder said = new StringBuilder();
            for (String resolver : new String[]{"system", "netty-dns"}) {
                try {
                    PgConnection connection = PgConnection.connect("host=localhost port=" + PORT + " user=u password=p dbname=d"
                            + " sslmode=disable hostResolver=" + resolver).get(30, java.util.concurrent.TimeUnit.SECONDS);
                    connection.close();
                    said.append(resolver).append(": connected\n");
                } catch (java.util.concurrent.ExecutionException e) {
                    String message = e.getCause().getMessage().lines().findFirst().orElse("");
                    said.append(resolver).append(": ").append(e.getCause().getClass().getName()).append(": ").append(message).append('\n');
                } catch (Exception | Error e) {
                    said.append(resolver).append(": ").append(e).append('\n');
                }
            }
            return said.toString();
        }
    }

    /** The core's classes, its tests' classes and every Netty jar the core uses but the DNS resolver and codec. */
    private static URL[] classPathWithoutNettyDns() throws Exception {
        Set<URL> urls = new LinkedHashSet<>();
        for (Class<?> type : new Class<?>[]{Transport.class, WithoutNettyDnsTest.class, Version.class, ByteBuf.class, Channel.class,
                io.netty.resolver.AddressResolver.class, SslContext.class, ByteToMessageDecoder.class, DomainSocketAddress.class,
                Class.forName("com.ongres.saslprep.SASLprep"), Class.forName("com.ongres.stringprep.Profile")}) {
            URL location = type.getProtectionDomain().getCodeSource().getLocation();
            assertThat(location.toString()).doesNotContain("resolver-dns").doesNotContain("codec-dns");
            urls.add(location);
        }
        return urls.toArray(URL[]::new);
    }
}
