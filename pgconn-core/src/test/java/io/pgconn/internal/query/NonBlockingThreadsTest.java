package io.pgconn.internal.query;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The marker of a thread that must not block is found by its name, through superclasses and super-interfaces. */
class NonBlockingThreadsTest {

    interface Marker {
    }

    interface Extended extends Marker {
    }

    static class MarkedThread extends Thread implements Extended {
    }

    static class SubclassOfAMarkedThread extends MarkedThread {
    }

    @Test
    void aThreadClassImplementingTheNamedInterfaceAnywhereInItsHierarchyIsMarked() {
        String marker = Marker.class.getName();
        assertThat(NonBlockingThreads.implementsInterfaceNamed(MarkedThread.class, marker)).isTrue();
        assertThat(NonBlockingThreads.implementsInterfaceNamed(SubclassOfAMarkedThread.class, marker)).isTrue();
        assertThat(NonBlockingThreads.implementsInterfaceNamed(Thread.class, marker)).isFalse();
        assertThat(NonBlockingThreads.REACTOR_MARKER).isEqualTo("reactor.core.scheduler.NonBlocking");
    }

    @Test
    void aPlainThreadIsNotOneOfReactors() {
        assertThat(NonBlockingThreads.onAReactorNonBlockingThread()).isFalse();
    }
}
