package io.pgconn.internal.connect;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.pgconn.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Which loop a connect runs on: the caller's, else the least-carrying one, ties to the first. */
class ConnectLoopsTest {

    private static EventLoopGroup group;

    @BeforeAll
    static void start() {
        group = Transport.NIO.newEventLoopGroup(3);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    @Test
    void oneConnectAtATimeStaysOnTheFirstLoop() {
        ConnectLoops loops = new ConnectLoops(group);
        EventLoop first = (EventLoop) group.iterator().next();
        for (int i = 0; i < 5; i++) {
            ConnectLoops.Lease lease = loops.acquire();
            assertThat(lease.loop()).isSameAs(first);
            lease.release();
        }
        assertThat(loops.carried(0)).isZero();
    }

    @Test
    void connectionsThatStayOpenSpreadEvenlyOverTheLoops() {
        ConnectLoops loops = new ConnectLoops(group);
        List<ConnectLoops.Lease> open = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            open.add(loops.acquire());
        }
        assertThat(List.of(loops.carried(0), loops.carried(1), loops.carried(2))).containsExactly(2, 2, 2);
        assertThat(open.stream().map(ConnectLoops.Lease::loop).distinct()).hasSize(3);

        open.get(4).release();
        open.get(4).release(); // a close hook and a failed connect may both release: counted once
        EventLoop freed = open.get(4).loop();
        ConnectLoops.Lease next = loops.acquire();
        assertThat(next.loop()).isSameAs(freed);
        assertThat(List.of(loops.carried(0), loops.carried(1), loops.carried(2))).containsExactly(2, 2, 2);
    }

    @Test
    void aCallerOnALoopOfTheGroupConnectsOnItsOwnLoop() {
        ConnectLoops loops = new ConnectLoops(group);
        ConnectLoops.Lease busy = loops.acquire(); // the first loop now carries one, so "least" would not pick it
        for (EventLoop target : List.of(busy.loop(), (EventLoop) group.next(), (EventLoop) group.next())) {
            EventLoop chosen = CompletableFuture.supplyAsync(() -> loops.acquire().loop(), target).join();
            assertThat(chosen).isSameAs(target);
        }
    }
}
