package io.pgconn.query;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * NEW-USER-25 F2: the blocking COPY helpers waited in {@code Object.wait()} inside {@code synchronized} — before Java 24
 * (JEP 491) a virtual thread there pins its carrier for the whole COPY, and two COPYs on Java 21's virtual threads held a
 * 2-core machine's both carriers. Their waits are a {@code ReentrantLock}'s now: no method of theirs is synchronized
 * (the build runs on Java 17 and 25, neither of which can show the pinning itself).
 */
class PgCopyStreamsWaitsTest {

    @Test
    void theBlockingCopyHelpersHoldNoMonitor() {
        List<Class<?>> helpers = Arrays.stream(PgCopyStreams.class.getDeclaredClasses()).toList();
        assertThat(helpers).extracting(Class::getSimpleName).contains("StreamPublisher", "StreamSubscriber");
        for (Class<?> helper : helpers) {
            for (Method method : helper.getDeclaredMethods()) {
                assertThat(Modifier.isSynchronized(method.getModifiers())).as(helper.getSimpleName() + "." + method.getName()).isFalse();
            }
        }
    }
}
