package io.pgconn;

import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Which threads {@link EventLoops#inAnyEventLoop()} calls event loops: any loop's, not a plain executor's. */
class EventLoopsTest {

    @Test
    void aPlainThreadIsNoEventLoop() {
        assertThat(EventLoops.inAnyEventLoop()).isFalse();
    }

    @Test
    void aTaskOfAnyEventLoopRunsOnOne() throws Exception {
        assertThat(askedOn(new DefaultEventLoop())).isTrue();
    }

    @Test
    void anEventExecutorThatIsNoEventLoopIsNotOne() throws Exception {
        assertThat(askedOn(new DefaultEventExecutor())).isFalse();
    }

    private static boolean askedOn(EventExecutor executor) throws Exception {
        try {
            return executor.submit(EventLoops::inAnyEventLoop).get(10, TimeUnit.SECONDS);
        } finally {
            executor.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
