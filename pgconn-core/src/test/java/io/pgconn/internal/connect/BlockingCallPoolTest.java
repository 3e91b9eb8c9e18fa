package io.pgconn.internal.connect;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.pgconn.PgClosedException;
import io.pgconn.PgConnectException;
import io.pgconn.config.HostSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The look-up pool never runs a look-up on the thread that asked (an event loop), bounds how many
 * wait, refuses the next one cleanly, and fails the waiting ones when the factory closes.
 */
class BlockingCallPoolTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private final Set<Thread> lookupThreads = ConcurrentHashMap.newKeySet();
    private final EventLoop loop = new DefaultEventLoop();
    private BlockingCallPool lookups;

    private BlockingCallPool.Lookup slowLookup() {
        return host -> {
            lookupThreads.add(Thread.currentThread());
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new InetAddress[]{InetAddress.getLoopbackAddress()};
        };
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        if (lookups != null) {
            lookups.close();
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private List<CompletableFuture<InetAddress[]>> lookUpFromTheLoop(int count) throws Exception {
        List<CompletableFuture<InetAddress[]>> futures = new ArrayList<>();
        loop.submit(() -> {
            for (int i = 0; i < count; i++) {
                futures.add(lookups.lookUp(HostSpec.of("db" + i + ".example", 5432)));
            }
        }).get(5, TimeUnit.SECONDS);
        return futures;
    }

    @Test
    void moreLookupsThanThreadsWaitInsteadOfRunningOnTheEventLoop() throws Exception {
        lookups = new BlockingCallPool(slowLookup(), 2, 8);
        Thread loopThread = loop.submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
        List<CompletableFuture<InetAddress[]>> futures = lookUpFromTheLoop(6);
        release.countDown();
        for (CompletableFuture<InetAddress[]> f : futures) {
            assertThat(f.get(5, TimeUnit.SECONDS)).containsExactly(InetAddress.getLoopbackAddress());
        }
        assertThat(lookupThreads).as("look-ups ran on the pool only").doesNotContain(loopThread).hasSizeLessThanOrEqualTo(2)
                .allMatch(t -> t.getName().startsWith("pgconn-dns"));
    }

    @Test
    void aLookupBeyondTheQueueFailsAtOnceNamingTheHost() throws Exception {
        lookups = new BlockingCallPool(slowLookup(), 1, 1);
        List<CompletableFuture<InetAddress[]>> futures = lookUpFromTheLoop(3);
        assertThatThrownBy(() -> futures.get(2).getNow(null))
                .cause().isInstanceOf(PgConnectException.class)
                .hasMessageContaining("db2.example").hasMessageContaining("lookups are already waiting");
        release.countDown();
        assertThat(futures.get(0).get(5, TimeUnit.SECONDS)).isNotEmpty();
        assertThat(futures.get(1).get(5, TimeUnit.SECONDS)).isNotEmpty();
    }

    @Test
    void closingFailsTheWaitingLookupsWithTheFactoryWasClosed() throws Exception {
        lookups = new BlockingCallPool(slowLookup(), 1, 4);
        List<CompletableFuture<InetAddress[]>> futures = lookUpFromTheLoop(3);
        lookups.close();
        for (CompletableFuture<InetAddress[]> waiting : futures.subList(1, 3)) {
            assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(PgClosedException.class).hasMessageContaining("the connection factory was closed");
        }
        assertThat(lookups.lookUp(HostSpec.of("late.example", 5432))).isCompletedExceptionally();
    }

    /**
     * The JDK's reason without the name it puts in front ("db.invalid: Name or service not known"): libpq says the name
     * once ("could not translate host name "db.invalid" to address: Name or service not known"), pgconn said it twice —
     * and, when the JDK answered from its cache of failed look-ups, only the name again, no reason (PARITY-19).
     */
    @Test
    void aFailedLookupSaysTheReasonOnceAndWhatABareAnswerMeans() throws Exception {
        lookups = new BlockingCallPool(host -> {
            throw new java.net.UnknownHostException(host.startsWith("cached") ? host : host + ": Name or service not known");
        }, 1, 4);
        assertThatThrownBy(() -> lookups.lookUp(HostSpec.of("db.invalid", 5432)).get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOf(PgConnectException.class)
                .hasMessage("could not translate host name \"db.invalid\" to an address: Name or service not known");
        assertThatThrownBy(() -> lookups.lookUp(HostSpec.of("cached.invalid", 5432)).get(5, TimeUnit.SECONDS)).cause()
                .hasMessage("could not translate host name \"cached.invalid\" to an address: no address, and the JDK gave no reason"
                        + " (as when it answers from its cache of failed look-ups: networkaddress.cache.negative.ttl, 10 s by default)");
    }

    /** The pool is made at the first look-up: a factory whose hosts are addresses never builds one (docs/lifecycle.md §8). */
    @Test
    void noPoolIsMadeUntilTheFirstLookup() throws Exception {
        lookups = new BlockingCallPool(slowLookup(), 1, 4);
        assertThat(lookups.started()).isFalse();
        CompletableFuture<InetAddress[]> first = lookups.lookUp(HostSpec.of("db.example", 5432));
        assertThat(lookups.started()).isTrue();
        release.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS)).containsExactly(InetAddress.getLoopbackAddress());
    }

    /** Closed before any look-up ran: nothing to stop, and a later look-up fails as after any close, without making a pool. */
    @Test
    void aLookupAfterACloseThatCameFirstFailsWithTheFactoryWasClosedAndMakesNoPool() {
        lookups = new BlockingCallPool(slowLookup(), 1, 4);
        lookups.close();
        CompletableFuture<InetAddress[]> late = lookups.lookUp(HostSpec.of("late.example", 5432));
        assertThatThrownBy(() -> late.getNow(null)).cause().isInstanceOf(PgClosedException.class)
                .hasMessageContaining("late.example").hasMessageContaining("the connection factory was closed");
        assertThat(lookups.started()).isFalse();
        assertThat(lookupThreads).isEmpty();
    }

    /** A look-up that throws an Error (a class of the name service that would not load) fails its connect, not hangs it. */
    @Test
    void aLookupThatThrowsAnErrorFailsItsFutureInsteadOfLeavingItWaiting() throws Exception {
        lookups = new BlockingCallPool(host -> {
            throw new NoClassDefFoundError("sun/net/spi/nameservice/Broken");
        }, 1, 4);
        CompletableFuture<InetAddress[]> lookup = lookups.lookUp(HostSpec.of("db.example", 5432));
        assertThatThrownBy(() -> lookup.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(NoClassDefFoundError.class);
    }
}
